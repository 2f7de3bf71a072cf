import Foundation
import SQLKit
import SwitchboardDomain

/// Which deliveries to list (`GET /v1/deliveries`).
public struct DeliveryFilter: Sendable {
    public var integrationID: String?
    public var status: DeliveryStatus?
    public var eventType: OutboundEventType?
    public var since: Date?

    public init(integrationID: String? = nil, status: DeliveryStatus? = nil, eventType: OutboundEventType? = nil, since: Date? = nil) {
        self.integrationID = integrationID
        self.status = status
        self.eventType = eventType
        self.since = since
    }
}

extension Store {
    /// The workspace's deliveries, newest first.
    public func deliveries(workspaceID: String, filter: DeliveryFilter, limit: Int, cursor: String?) async throws -> Page<Delivery> {
        var query: SQLQueryString = "SELECT * FROM deliveries WHERE workspace_id = \(bind: workspaceID)"
        if let integrationID = filter.integrationID { query += " AND integration_id = \(bind: integrationID)" }
        if let status = filter.status { query += " AND status = \(bind: status.rawValue)" }
        if let eventType = filter.eventType { query += " AND event_type = \(bind: eventType.rawValue)" }
        if let since = filter.since { query += " AND created_at >= \(bind: since.storeMilliseconds)" }
        query += Self.cursorClause(cursor) + " ORDER BY id DESC LIMIT \(bind: limit + 1)"
        let fetched = try await database.withConnection { [query] db in
            try await db.raw(query).all(decoding: Delivery.self, with: Self.rowDecoder)
        }
        return Page(fetched: fetched, limit: limit, id: \.id)
    }

    /// One delivery of the workspace with its attempts, oldest attempt first.
    public func delivery(workspaceID: String, id: String) async throws -> (Delivery, [Attempt])? {
        try await database.withConnection { db in
            guard
                let delivery = try await db.raw("SELECT * FROM deliveries WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)")
                    .first(decoding: Delivery.self, with: Self.rowDecoder)
            else { return nil }
            let attempts = try await db.raw("SELECT * FROM attempts WHERE delivery_id = \(bind: id) ORDER BY id")
                .all(decoding: Attempt.self, with: Self.rowDecoder)
            return (delivery, attempts)
        }
    }

    /// Puts one delivery back in the queue for an immediate attempt with a fresh retry schedule.
    /// Refused (nil) while it is pending, or when its integration is deleted or paused.
    public func redeliver(workspaceID: String, id: String, now: Date = Date()) async throws -> Delivery? {
        let at = now.storeMilliseconds
        return try await database.transaction { db in
            // The status it leaves, for the counts; the update holds only if it is still that one.
            guard
                let current = try await db.raw("SELECT status FROM deliveries WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)")
                    .first(decodingColumn: "status", as: String.self),
                let old = DeliveryStatus(rawValue: current), old != .pending,
                let delivery = try await db.raw(
                    """
                    UPDATE deliveries SET status = 'pending', consecutive_failures = 0, next_attempt_at = \(bind: at), claim_token = NULL,
                    updated_at = \(bind: at) WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id) AND status = \(bind: current)
                    AND integration_id IN (SELECT id FROM integrations WHERE deleted_at IS NULL AND status <> 'paused') RETURNING *
                    """
                ).first(decoding: Delivery.self, with: Self.rowDecoder)
            else { return nil }
            var counts = CountChanges()
            counts.move(delivery.integrationId, from: old, to: .pending)
            try await Self.applyCounts(counts, in: db)
            return delivery
        }
    }

    /// How many deliveries of an integration are in `status`, made since `since`.
    public func deliveryCount(workspaceID: String, integrationID: String, status: DeliveryStatus, since: Date) async throws -> Int {
        try await database.withConnection { db in
            try await db.raw(
                """
                SELECT COUNT(*) AS n FROM deliveries WHERE workspace_id = \(bind: workspaceID) AND integration_id = \(bind: integrationID)
                AND status = \(bind: status.rawValue) AND created_at >= \(bind: since.storeMilliseconds)
                """
            ).first(decodingColumn: "n", as: Int.self) ?? 0
        }
    }

    /// Re-queues the next `limit` deliveries of an integration in `status` made since `since`, in id order after
    /// `after`, in one transaction; how many it queued and the last id it looked at (nil: none left).
    public func redeliverChunk(
        workspaceID: String,
        integrationID: String,
        status: DeliveryStatus,
        since: Date,
        after: String?,
        limit: Int,
        now: Date = Date()
    ) async throws -> (queued: Int, last: String?) {
        let at = now.storeMilliseconds
        return try await database.transaction { db in
            let ids = try await db.raw(
                """
                SELECT id FROM deliveries WHERE integration_id = \(bind: integrationID) AND status = \(bind: status.rawValue)
                AND id > \(bind: after ?? "") AND workspace_id = \(bind: workspaceID) AND created_at >= \(bind: since.storeMilliseconds)
                ORDER BY id LIMIT \(bind: limit)
                """
            ).all().map { try $0.decode(column: "id", as: String.self) }
            guard let last = ids.last else { return (0, nil) }
            let queued = try await db.raw(
                """
                UPDATE deliveries SET status = 'pending', consecutive_failures = 0, next_attempt_at = \(bind: at), claim_token = NULL,
                updated_at = \(bind: at) WHERE id IN (\(binds: ids)) AND status = \(bind: status.rawValue) RETURNING id
                """
            ).all().count
            var counts = CountChanges()
            counts.move(integrationID, from: status, to: .pending, queued)
            try await Self.applyCounts(counts, in: db)
            return (queued, last)
        }
    }
}

/// Attempts of one period (an hour, a day): how many succeeded (a 2xx answer) and how many did not.
public struct AttemptBucket: Sendable, Equatable {
    /// The period's start, in milliseconds since 1970.
    public var start: Int64
    public var succeeded: Int
    public var failed: Int

    public init(start: Int64, succeeded: Int, failed: Int) {
        self.start = start
        self.succeeded = succeeded
        self.failed = failed
    }
}

extension Store {
    /// An integration's attempts since `since`, counted per period of `bucket` milliseconds (periods without
    /// attempts are left out), oldest first: the deliveries chart.
    public func attemptCounts(workspaceID: String, integrationID: String, since: Date, bucket: Int64) async throws -> [AttemptBucket] {
        let from = since.storeMilliseconds
        let rows = try await database.withConnection { db in
            try await db.raw(
                """
                SELECT a.attempted_at / \(bind: bucket) AS period,
                    SUM(CASE WHEN a.status_code >= 200 AND a.status_code < 300 THEN 1 ELSE 0 END) AS succeeded, COUNT(*) AS total
                FROM attempts AS a JOIN deliveries AS d ON d.id = a.delivery_id
                WHERE d.workspace_id = \(bind: workspaceID) AND d.integration_id = \(bind: integrationID) AND a.attempted_at >= \(bind: from)
                GROUP BY period ORDER BY period
                """
            ).all()
        }
        return try rows.map { row in
            let total = try row.decode(column: "total", as: Int.self)
            let succeeded = try row.decode(column: "succeeded", as: Int?.self) ?? 0
            return AttemptBucket(start: try row.decode(column: "period", as: Int64.self) * bucket, succeeded: succeeded, failed: total - succeeded)
        }
    }
}
