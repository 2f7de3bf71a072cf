/// Every provider, not only webhooks, receives events: the integration row names the event types it wants
/// (ingest reads them without decoding provider settings), and keeps its setup progress (SPEC §2).
let integrationEventsAndSetup = Migration(
    version: 4,
    name: "integration events and setup",
    statements: [
        "ALTER TABLE integrations ADD COLUMN events TEXT",
        "ALTER TABLE integrations ADD COLUMN setup TEXT",
    ]
)
