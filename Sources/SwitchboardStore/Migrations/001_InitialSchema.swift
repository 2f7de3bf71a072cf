/// The foundation's tables. Times are milliseconds since 1970 (BIGINT) so that both engines compare them alike.
let initialSchema = Migration(
    version: 1,
    name: "initial schema",
    statements: [
        """
        CREATE TABLE workspaces (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at BIGINT NOT NULL)
        """,
        """
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces (id), role TEXT NOT NULL,
            key_hash TEXT NOT NULL UNIQUE, hint TEXT NOT NULL, label TEXT NOT NULL,
            created_at BIGINT NOT NULL, revoked_at BIGINT)
        """,
        "CREATE INDEX api_keys_workspace ON api_keys (workspace_id, id)",
        """
        CREATE TABLE integrations (
            id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces (id), provider TEXT NOT NULL,
            label TEXT NOT NULL, settings TEXT NOT NULL, credentials TEXT,
            status TEXT NOT NULL, pause_reason TEXT, status_detail TEXT,
            signing_secret TEXT, previous_signing_secret TEXT, previous_secret_expires_at BIGINT,
            created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
            last_success_at BIGINT, last_failure_at BIGINT, failing_since BIGINT, deleted_at BIGINT)
        """,
        "CREATE INDEX integrations_workspace ON integrations (workspace_id, id)",
        """
        CREATE TABLE events (
            id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces (id), type TEXT NOT NULL,
            idempotency_key TEXT NOT NULL, occurred_at BIGINT NOT NULL, received_at BIGINT NOT NULL, data TEXT NOT NULL,
            UNIQUE (workspace_id, idempotency_key))
        """,
        """
        CREATE TABLE registrations (
            workspace_id TEXT NOT NULL, broadcast_id TEXT NOT NULL, email TEXT NOT NULL, data TEXT NOT NULL,
            registered_at BIGINT NOT NULL, PRIMARY KEY (workspace_id, broadcast_id, email))
        """,
        """
        CREATE TABLE attendances (
            workspace_id TEXT NOT NULL, broadcast_id TEXT NOT NULL, email TEXT NOT NULL, watch_seconds BIGINT NOT NULL,
            joined_at BIGINT, left_at BIGINT, PRIMARY KEY (workspace_id, broadcast_id, email))
        """,
        """
        CREATE TABLE deliveries (
            id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, integration_id TEXT NOT NULL REFERENCES integrations (id),
            event_id TEXT NOT NULL REFERENCES events (id), event_type TEXT NOT NULL, status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0, consecutive_failures INTEGER NOT NULL DEFAULT 0,
            next_attempt_at BIGINT, claim_token TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
            last_attempt_at BIGINT, last_status_code INTEGER, last_error TEXT)
        """,
        "CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending'",
        "CREATE INDEX deliveries_workspace ON deliveries (workspace_id, id)",
        "CREATE INDEX deliveries_integration ON deliveries (integration_id, status, id)",
        """
        CREATE TABLE attempts (
            id TEXT PRIMARY KEY, delivery_id TEXT NOT NULL REFERENCES deliveries (id), workspace_id TEXT NOT NULL,
            attempted_at BIGINT NOT NULL, duration_ms INTEGER NOT NULL, status_code INTEGER, response_body TEXT,
            error_class TEXT, error TEXT)
        """,
        "CREATE INDEX attempts_delivery ON attempts (delivery_id, id)",
        """
        CREATE TABLE jobs (
            id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, integration_id TEXT, kind TEXT NOT NULL, status TEXT NOT NULL,
            parameters TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL DEFAULT 0,
            failed INTEGER NOT NULL DEFAULT 0, errors TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
        """,
        "CREATE INDEX jobs_workspace ON jobs (workspace_id, id)",
        """
        CREATE TABLE notifications (
            id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, integration_id TEXT, kind TEXT NOT NULL, title TEXT NOT NULL,
            body TEXT NOT NULL, created_at BIGINT NOT NULL, read_at BIGINT)
        """,
        "CREATE INDEX notifications_workspace ON notifications (workspace_id, id)",
    ]
)
