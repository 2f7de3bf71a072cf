/// Notifications also go by email to the workspace's managers: a manager API key may name the person's
/// address, and each notification records when it was emailed. Notifications older than this are not sent.
let emailNotifications = Migration(
    version: 6,
    name: "email notifications",
    statements: [
        "ALTER TABLE api_keys ADD COLUMN email TEXT",
        "ALTER TABLE notifications ADD COLUMN emailed_at BIGINT",
        "ALTER TABLE notifications ADD COLUMN email_attempts INTEGER NOT NULL DEFAULT 0",
        "UPDATE notifications SET emailed_at = created_at",
        "CREATE INDEX notifications_unsent ON notifications (created_at) WHERE emailed_at IS NULL",
    ]
)
