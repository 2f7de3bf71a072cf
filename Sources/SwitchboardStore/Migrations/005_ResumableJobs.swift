/// Jobs that run for minutes (resync) survive a restart: a job names the worker holding it until its lease
/// ends, and keeps a checkpoint to continue from. Resync walks registrants by email.
let resumableJobs = Migration(
    version: 5,
    name: "resumable jobs",
    statements: [
        "ALTER TABLE jobs ADD COLUMN checkpoint TEXT",
        "ALTER TABLE jobs ADD COLUMN claimed_by TEXT",
        "ALTER TABLE jobs ADD COLUMN lease_until BIGINT",
        "CREATE INDEX jobs_runnable ON jobs (kind, status)",
        "CREATE INDEX registrations_email ON registrations (workspace_id, email)",
    ]
)
