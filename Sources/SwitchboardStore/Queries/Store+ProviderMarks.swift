import Foundation
import SQLKit

extension Store {
    /// Whether the integration's provider recorded `mark` (see migration 13).
    public func hasProviderMark(integrationID: String, mark: String) async throws -> Bool {
        try await database.withConnection { db in
            try await db.raw("SELECT 1 AS found FROM provider_marks WHERE integration_id = \(bind: integrationID) AND mark = \(bind: mark)").first()
                != nil
        }
    }

    /// Records `mark` for the integration's provider; recording it again only makes it the newest.
    public func addProviderMark(integrationID: String, mark: String, now: Date = Date()) async throws {
        try await database.withConnection { db in
            try await db.raw(
                """
                INSERT INTO provider_marks (integration_id, mark, created_at)
                VALUES (\(bind: integrationID), \(bind: mark), \(bind: now.storeMilliseconds))
                ON CONFLICT (integration_id, mark) DO UPDATE SET created_at = excluded.created_at
                """
            ).run()
        }
    }

    /// The integration's newest mark that starts with `prefix`, or nil (a provider's remembered value: `<key>=<value>`).
    public func latestProviderMark(integrationID: String, prefix: String) async throws -> String? {
        try await database.withConnection { db in
            try await db.raw(
                """
                SELECT mark FROM provider_marks
                WHERE integration_id = \(bind: integrationID) AND substr(mark, 1, \(bind: prefix.count)) = \(bind: prefix)
                ORDER BY created_at DESC LIMIT 1
                """
            ).first()?.decode(column: "mark", as: String.self)
        }
    }
}
