import Foundation
import SQLKit
import SwitchboardDomain

extension Store {
    /// Records that process `workerID` uses the provider rate budgets of `integrationIDs` at `now`, and returns for
    /// each how many processes (this one included) have used it within `recent` before `now`. Rows of processes not
    /// seen for an hour are dropped.
    public func shareRateBudgets(workerID: String, integrationIDs: [String], recent: Duration, now: Date = Date()) async throws -> [String: Int] {
        guard !integrationIDs.isEmpty else { return [:] }
        let at = now.storeMilliseconds
        return try await database.transaction { db in
            for id in integrationIDs {
                try await db.raw(
                    """
                    INSERT INTO rate_budget_users (integration_id, worker_id, seen_at) VALUES (\(bind: id), \(bind: workerID), \(bind: at))
                    ON CONFLICT (integration_id, worker_id) DO UPDATE SET seen_at = excluded.seen_at
                    """
                ).run()
            }
            try await db.raw("DELETE FROM rate_budget_users WHERE seen_at < \(bind: at - 3_600_000)").run()
            let rows = try await db.raw(
                """
                SELECT integration_id, COUNT(*) AS users FROM rate_budget_users
                WHERE integration_id IN (\(binds: integrationIDs)) AND seen_at >= \(bind: at - recent.wholeMilliseconds)
                GROUP BY integration_id
                """
            ).all()
            var users: [String: Int] = [:]
            for row in rows { users[try row.decode(column: "integration_id", as: String.self)] = try row.decode(column: "users", as: Int.self) }
            return users
        }
    }
}
