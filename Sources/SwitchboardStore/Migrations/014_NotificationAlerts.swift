/// Notifications that integrations may be told about (an integration paused: Slack's `integration_alert`) are relayed
/// as events once each (`AlertRelay`); `relayed_at` records it. Notifications older than this are not relayed.
let notificationAlerts = Migration(
    version: 14,
    name: "notification alerts",
    statements: [
        "ALTER TABLE notifications ADD COLUMN relayed_at BIGINT",
        "UPDATE notifications SET relayed_at = created_at",
        "CREATE INDEX notifications_unrelayed ON notifications (created_at) WHERE relayed_at IS NULL",
    ]
)
