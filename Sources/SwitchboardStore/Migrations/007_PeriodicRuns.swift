/// When each periodic task last ran, over all processes: with several workers on one PostgreSQL, an hourly task
/// (the validation sweep) runs in one of them each period instead of in every one.
let periodicRuns = Migration(
    version: 7,
    name: "periodic runs",
    statements: [
        "CREATE TABLE periodic_runs (name TEXT PRIMARY KEY, last_run_at BIGINT NOT NULL)"
    ]
)
