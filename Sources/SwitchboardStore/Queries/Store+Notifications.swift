import Foundation
import SQLKit
import SwitchboardDomain

extension Store {
    /// Stores an in-app notification.
    public func insertNotification(_ notification: Notification) async throws {
        try await database.withConnection { db in try await Self.insertNotification(notification, in: db) }
    }

    static func insertNotification(_ notification: Notification, in db: any SQLDatabase) async throws {
        try await db.insert(into: "notifications").model(notification, with: rowEncoder).run()
    }

    /// The workspace's notifications, newest first.
    public func notifications(workspaceID: String, limit: Int, cursor: String?) async throws -> Page<Notification> {
        let fetched = try await database.withConnection { db in
            try await db.raw(
                "SELECT * FROM notifications WHERE workspace_id = \(bind: workspaceID)" + Self.cursorClause(cursor)
                    + " ORDER BY id DESC LIMIT \(bind: limit + 1)"
            ).all(decoding: Notification.self, with: Self.rowDecoder)
        }
        return Page(fetched: fetched, limit: limit, id: \.id)
    }

    /// How many of the workspace's notifications are unread (the bell's count).
    public func unreadNotificationCount(workspaceID: String) async throws -> Int {
        try await database.withConnection { db in
            let row = try await db.raw("SELECT COUNT(*) AS unread FROM notifications WHERE workspace_id = \(bind: workspaceID) AND read_at IS NULL")
                .first()
            return try row?.decode(column: "unread", as: Int.self) ?? 0
        }
    }

    /// Marks a notification read; nil when it does not exist in the workspace.
    public func markNotificationRead(workspaceID: String, id: String, now: Date = Date()) async throws -> Notification? {
        try await database.transaction { db in
            try await db.raw(
                """
                UPDATE notifications SET read_at = COALESCE(read_at, \(bind: now.storeMilliseconds))
                WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)
                """
            ).run()
            return try await db.raw("SELECT * FROM notifications WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)")
                .first(decoding: Notification.self, with: Self.rowDecoder)
        }
    }

    /// Takes up to `limit` notifications not yet emailed, marking them emailed now so that no other worker
    /// sends them too; a failed send hands one back with `notificationEmailFailed`.
    public func claimUnsentNotifications(limit: Int, now: Date = Date()) async throws -> [Notification] {
        let lock = database.dialect.claimLockClause
        return try await database.transaction { db in
            try await db.raw(
                """
                UPDATE notifications SET emailed_at = \(bind: now.storeMilliseconds), email_attempts = email_attempts + 1
                WHERE id IN (SELECT id FROM notifications WHERE emailed_at IS NULL ORDER BY created_at LIMIT \(bind: limit)\(unsafeRaw: lock))
                RETURNING *
                """
            ).all(decoding: Notification.self, with: Self.rowDecoder)
        }
    }

    /// A send failed: the notification waits for another try, unless it has had `maxAttempts`.
    public func notificationEmailFailed(id: String, maxAttempts: Int) async throws {
        try await database.withConnection { db in
            try await db.raw(
                "UPDATE notifications SET emailed_at = NULL WHERE id = \(bind: id) AND email_attempts < \(bind: maxAttempts)"
            ).run()
        }
    }

    /// Up to `limit` notifications not yet relayed to integrations, oldest first (`AlertRelay`). Not claimed: relaying
    /// is idempotent, so two workers reading the same ones only repeat a no-op.
    public func unrelayedNotifications(limit: Int) async throws -> [Notification] {
        try await database.withConnection { db in
            try await db.raw("SELECT * FROM notifications WHERE relayed_at IS NULL ORDER BY created_at LIMIT \(bind: limit)")
                .all(decoding: Notification.self, with: Self.rowDecoder)
        }
    }

    /// Records that these notifications were relayed.
    public func markNotificationsRelayed(ids: [String], now: Date = Date()) async throws {
        guard !ids.isEmpty else { return }
        try await database.withConnection { db in
            try await db.raw(
                "UPDATE notifications SET relayed_at = \(bind: now.storeMilliseconds) WHERE id IN (\(binds: ids)) AND relayed_at IS NULL"
            ).run()
        }
    }

    /// The addresses of the workspace's managers: the emails of its unrevoked manager keys.
    public func managerEmails(workspaceID: String) async throws -> [String] {
        try await database.withConnection { db in
            try await db.raw(
                """
                SELECT DISTINCT email FROM api_keys WHERE workspace_id = \(bind: workspaceID) AND role = 'manager'
                AND revoked_at IS NULL AND email IS NOT NULL ORDER BY email
                """
            ).all().map { try $0.decode(column: "email", as: String.self) }
        }
    }
}
