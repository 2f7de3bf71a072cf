/// The web UI's sign-in: one-time links (`switchboard workspace sign-in-link`, the demo's banner) and the sessions
/// a browser holds after signing in with a link or an API key. Tokens are stored as SHA-256 hashes, like API keys.
let webSessions = Migration(
    version: 15,
    name: "web sessions",
    statements: [
        """
        CREATE TABLE sign_in_links (
            token_hash TEXT PRIMARY KEY,
            workspace_id TEXT NOT NULL REFERENCES workspaces(id),
            role TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            used_at BIGINT
        )
        """,
        """
        CREATE TABLE web_sessions (
            token_hash TEXT PRIMARY KEY,
            workspace_id TEXT NOT NULL REFERENCES workspaces(id),
            role TEXT NOT NULL,
            api_key_id TEXT REFERENCES api_keys(id),
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX web_sessions_expiry ON web_sessions (expires_at)",
        "CREATE INDEX sign_in_links_expiry ON sign_in_links (expires_at)",
    ]
)
