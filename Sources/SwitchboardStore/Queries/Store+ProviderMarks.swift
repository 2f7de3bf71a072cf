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

    /// Records `mark` for the integration's provider; recording it twice is harmless.
    public func addProviderMark(integrationID: String, mark: String, now: Date = Date()) async throws {
        try await database.withConnection { db in
            try await db.raw(
                """
                INSERT INTO provider_marks (integration_id, mark, created_at)
                VALUES (\(bind: integrationID), \(bind: mark), \(bind: now.storeMilliseconds))
                ON CONFLICT (integration_id, mark) DO NOTHING
                """
            ).run()
        }
    }
}
