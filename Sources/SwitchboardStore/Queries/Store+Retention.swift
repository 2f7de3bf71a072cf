import Foundation
import SQLKit
import SwitchboardDomain

/// What `Store.pruneHistory` removed.
public struct PrunedHistory: Sendable, Equatable {
    public var deliveries: Int
    public var attempts: Int
    public var events: Int
    public var notifications: Int
    public var jobs: Int

    public init(deliveries: Int = 0, attempts: Int = 0, events: Int = 0, notifications: Int = 0, jobs: Int = 0) {
        self.deliveries = deliveries
        self.attempts = attempts
        self.events = events
        self.notifications = notifications
        self.jobs = jobs
    }
}

extension Store {
    /// Removes the history older than `cutoff`: finished deliveries (succeeded, failed, skipped, cancelled) created
    /// and last changed before it, with their attempts, then the events before it that no delivery refers to any
    /// more; notifications, OAuth flows that expired, and jobs finished (succeeded, failed, cancelled) and last changed before it. Pending
    /// deliveries and their events stay, however old, as do queued and running jobs. An event's idempotency key goes
    /// with it.
    ///
    /// Works `batch` rows per transaction and rests between transactions, working at most `dutyCycle` of the time (after
    /// a transaction that took 10 ms, 0.25 rests 30 ms), so that ingest and recording go on meanwhile (SQLite has one
    /// writer) and a busy store slows the pruning down by itself. Rows are found through their primary keys: ids begin with their creation time
    /// (`Identifier`), and ingest makes an event's deliveries at its own time, so whether a batch of events is still
    /// referred to is read from the stretch of delivery ids made at the same times (`deliveries` has no index on
    /// `event_id`).
    public func pruneHistory(before cutoff: Date, batch: Int = 500, dutyCycle: Double = 1) async throws -> PrunedHistory {
        let changedBefore = cutoff.storeMilliseconds
        let deliveriesBefore = Identifier.lowerBound("msg", at: cutoff)
        let eventsBefore = Identifier.lowerBound("evt", at: cutoff)
        var pruned = PrunedHistory()
        try await walkInBatches(dutyCycle: dutyCycle) { after in
            let (last, removed) = try await database.transaction { db -> (String?, PrunedHistory) in
                let candidates = try await db.raw(
                    """
                    SELECT id FROM deliveries WHERE id > \(bind: after) AND id < \(bind: deliveriesBefore) AND status <> 'pending'
                    AND updated_at < \(bind: changedBefore) ORDER BY id LIMIT \(bind: batch)
                    """
                ).all().map { try $0.decode(column: "id", as: String.self) }
                guard !candidates.isEmpty else { return (nil, PrunedHistory()) }
                // Checked again as they are removed: a re-send may have made one pending meanwhile.
                let rows = try await db.raw(
                    """
                    DELETE FROM deliveries WHERE id IN (\(binds: candidates)) AND status <> 'pending'
                    AND updated_at < \(bind: changedBefore) RETURNING id, integration_id, status
                    """
                ).all()
                guard !rows.isEmpty else { return (candidates.last, PrunedHistory()) }
                var deliveries: [String] = []
                var counts = CountChanges()
                for row in rows {
                    deliveries.append(try row.decode(column: "id", as: String.self))
                    if let status = DeliveryStatus(rawValue: try row.decode(column: "status", as: String.self)) {
                        counts.add(try row.decode(column: "integration_id", as: String.self), status, -1)
                    }
                }
                let attempts = try await db.raw("DELETE FROM attempts WHERE delivery_id IN (\(binds: deliveries)) RETURNING id").all().count
                try await Self.applyCounts(counts, in: db)
                return (candidates.last, PrunedHistory(deliveries: deliveries.count, attempts: attempts))
            }
            pruned.deliveries += removed.deliveries
            pruned.attempts += removed.attempts
            return last
        }
        try await walkInBatches(dutyCycle: dutyCycle) { after in
            let (last, removed) = try await database.transaction { db -> (String?, Int) in
                let candidates = try await db.raw(
                    "SELECT id FROM events WHERE id > \(bind: after) AND id < \(bind: eventsBefore) ORDER BY id LIMIT \(bind: batch)"
                ).all().map { try $0.decode(column: "id", as: String.self) }
                guard let first = candidates.first, let last = candidates.last,
                    let from = Identifier.milliseconds(of: first), let through = Identifier.milliseconds(of: last)
                else { return (nil, 0) }
                // The deliveries of these events were made at their times: only that stretch of ids is read.
                let referenced = Set(
                    try await db.raw(
                        """
                        SELECT DISTINCT event_id FROM deliveries WHERE id >= \(bind: Identifier.lowerBound("msg", milliseconds: from))
                        AND id < \(bind: Identifier.lowerBound("msg", milliseconds: through + 1))
                        """
                    ).all().map { try $0.decode(column: "event_id", as: String.self) }
                )
                let unreferenced = candidates.filter { !referenced.contains($0) }
                guard !unreferenced.isEmpty else { return (last, 0) }
                return (last, try await db.raw("DELETE FROM events WHERE id IN (\(binds: unreferenced)) RETURNING id").all().count)
            }
            pruned.events += removed
            return last
        }
        pruned.notifications = try await deleteInBatches(
            of: batch,
            dutyCycle: dutyCycle,
            from: "notifications",
            where: "id < \(bind: Identifier.lowerBound("ntf", at: cutoff))"
        )
        pruned.jobs = try await deleteInBatches(
            of: batch,
            dutyCycle: dutyCycle,
            from: "jobs",
            where: """
                id < \(bind: Identifier.lowerBound("job", at: cutoff)) AND status IN ('succeeded', 'failed', 'cancelled')
                AND updated_at < \(bind: changedBefore)
                """
        )
        // OAuth connections expire within minutes; their rows only explain a refusal until then.
        _ = try await deleteInBatches(of: batch, dutyCycle: dutyCycle, from: "oauth_flows", where: "expires_at < \(bind: changedBefore)")
        return pruned
    }

    /// Deletes the rows of `table` that `condition` selects, oldest id first, `batch` a transaction; returns how many.
    private func deleteInBatches(of batch: Int, dutyCycle: Double, from table: String, where condition: SQLQueryString) async throws -> Int {
        var deleted = 0
        while true {
            let started = ContinuousClock.now
            let removed = try await database.transaction { db in
                try await db.raw(
                    """
                    DELETE FROM \(unsafeRaw: table) WHERE id IN (SELECT id FROM \(unsafeRaw: table) WHERE \(condition) ORDER BY id LIMIT \(bind: batch))
                    RETURNING id
                    """
                ).all().count
            }
            deleted += removed
            guard removed == batch else { return deleted }
            try await Self.rest(after: ContinuousClock.now - started, dutyCycle: dutyCycle)
        }
    }

    /// Runs `batch` until it returns nil, each time with the last id the previous run examined ("" at first), so that
    /// rows kept are read once; rests between runs to keep to `dutyCycle`.
    private func walkInBatches(dutyCycle: Double, _ batch: (_ after: String) async throws -> String?) async throws {
        var after = ""
        while true {
            let started = ContinuousClock.now
            guard let last = try await batch(after) else { return }
            after = last
            try await Self.rest(after: ContinuousClock.now - started, dutyCycle: dutyCycle)
        }
    }

    /// Waits so that `work` is `dutyCycle` of the time since it began (none at 1).
    private static func rest(after work: Duration, dutyCycle: Double) async throws {
        guard dutyCycle < 1 else { return }
        try await Task.sleep(for: work * ((1 - dutyCycle) / max(dutyCycle, 0.01)))
    }
}
