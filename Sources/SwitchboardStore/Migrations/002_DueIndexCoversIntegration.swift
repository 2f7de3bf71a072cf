/// The due-deliveries index also carries the integration, so that a claim leaving out saturated
/// integrations decides from the index alone instead of reading every skipped row from the table.
let dueIndexCoversIntegration = Migration(
    version: 2,
    name: "due index covers integration",
    statements: [
        "DROP INDEX deliveries_due",
        "CREATE INDEX deliveries_due ON deliveries (next_attempt_at, integration_id) WHERE status = 'pending'",
    ]
)
