import Foundation
import SQLKit
import SwitchboardDomain

extension Store {
    /// Takes this period's run of the periodic task `name` for the caller: true when it last ran (in any process sharing
    /// the database) at least `every` before `now`, and records `now` as its last run. Two processes asking at once get
    /// one true between them.
    public func claimPeriodicRun(_ name: String, every: Duration, now: Date = Date()) async throws -> Bool {
        let at = now.storeMilliseconds
        let due = at - every.wholeMilliseconds
        return try await database.transaction { db in
            try await db.raw("INSERT INTO periodic_runs (name, last_run_at) VALUES (\(bind: name), 0) ON CONFLICT (name) DO NOTHING").run()
            return try await !db.raw(
                "UPDATE periodic_runs SET last_run_at = \(bind: at) WHERE name = \(bind: name) AND last_run_at <= \(bind: due) RETURNING name"
            ).all().isEmpty
        }
    }
}
