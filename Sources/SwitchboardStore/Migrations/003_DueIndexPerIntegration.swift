/// The due index leads with the integration, so that claims take each integration's oldest due deliveries
/// directly instead of scanning past other integrations' backlogs (see `Store.claimDue`).
let dueIndexPerIntegration = Migration(
    version: 3,
    name: "due index per integration",
    statements: [
        "DROP INDEX deliveries_due",
        "CREATE INDEX deliveries_due ON deliveries (integration_id, next_attempt_at) WHERE status = 'pending'",
    ]
)
