/// What a provider has done at its end for an integration and must not redo or forget across restarts and
/// processes (HubSpot: the marketing event of each broadcast, upserted once per version of its details).
/// Before, a process kept this in memory and recreated every event after a restart.
let providerMarks = Migration(
    version: 13,
    name: "provider marks",
    statements: [
        """
        CREATE TABLE provider_marks (
            integration_id TEXT NOT NULL, mark TEXT NOT NULL, created_at BIGINT NOT NULL,
            PRIMARY KEY (integration_id, mark))
        """
    ]
)
