/// How many requests per window each process needs of an integration's rate budget, so that the limit is split by
/// need (a resync in one worker, a trickle of live sync in the others) rather than evenly.
let rateBudgetDemand = Migration(
    version: 9,
    name: "rate budget demand",
    statements: [
        "ALTER TABLE rate_budget_users ADD COLUMN demand INTEGER NOT NULL DEFAULT 0"
    ]
)
