import Foundation
import SQLKit
import SwitchboardDomain

extension Store {
    /// Records that process `workerID` uses the provider rate budgets of the integrations in `demands`, needing that
    /// many requests per window of each, at `now`; returns for each of those integrations the demand of every process
    /// (this one included) that used it within `recent` before `now`, by worker. Rows of processes not seen for an
    /// hour are dropped.
    public func shareRateBudgets(
        workerID: String,
        demands: [String: Int],
        recent: Duration,
        now: Date = Date()
    ) async throws -> [String: [String: Int]] {
        guard !demands.isEmpty else { return [:] }
        let at = now.storeMilliseconds
        return try await database.transaction { db in
            // In one order, so that two processes recording the same integrations never wait on each other in a cycle.
            try await Self.upsert(
                into: "rate_budget_users",
                columns: ["integration_id", "worker_id", "seen_at", "demand"],
                rows: demands.sorted { $0.key < $1.key }.map { [.text($0.key), .text(workerID), .integer(at), .integer($0.value)] },
                onConflict: "ON CONFLICT (integration_id, worker_id) DO UPDATE SET seen_at = excluded.seen_at, demand = excluded.demand",
                in: db
            )
            try await db.raw("DELETE FROM rate_budget_users WHERE seen_at < \(bind: at - 3_600_000)").run()
            let rows = try await db.raw(
                """
                SELECT integration_id, worker_id, demand FROM rate_budget_users
                WHERE integration_id IN (\(binds: Array(demands.keys))) AND seen_at >= \(bind: at - recent.wholeMilliseconds)
                """
            ).all()
            var users: [String: [String: Int]] = [:]
            for row in rows {
                users[try row.decode(column: "integration_id", as: String.self), default: [:]][try row.decode(column: "worker_id", as: String.self)] =
                    try row.decode(column: "demand", as: Int.self)
            }
            return users
        }
    }
}
