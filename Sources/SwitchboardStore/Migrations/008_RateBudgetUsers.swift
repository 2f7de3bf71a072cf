/// Which processes use an integration's provider rate budget: with several workers on one PostgreSQL, each takes
/// its share of the provider's limit instead of the whole of it (`Store.shareRateBudgets`).
let rateBudgetUsers = Migration(
    version: 8,
    name: "rate budget users",
    statements: [
        "CREATE TABLE rate_budget_users (integration_id TEXT NOT NULL, worker_id TEXT NOT NULL, seen_at BIGINT NOT NULL, PRIMARY KEY (integration_id, worker_id))"
    ]
)
