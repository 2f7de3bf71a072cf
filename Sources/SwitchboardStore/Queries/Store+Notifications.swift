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
}
