import Foundation
import SQLKit
import SwitchboardDomain

/// A stored event's body material, as the sender needs it.
public struct StoredEvent: Sendable, Equatable {
    public var id: String
    public var occurredAt: Date
    /// The data as stored (for `broadcast.ended`, with the computed summary fields).
    public var data: [String: JSONValue]
}

extension Store {
    /// Claims up to `limit` due deliveries for one worker.
    ///
    /// Claiming pushes `next_attempt_at` to the end of the lease and stamps a claim token: a worker that
    /// dies leaves its deliveries to come due again when the lease ends, and a worker whose lease ran out
    /// can no longer record over a newer claim. PostgreSQL workers skip each other's locked rows.
    public func claimDue(
        limit: Int,
        now: Date,
        lease: TimeInterval,
        token: String,
        excludingIntegrations excluded: Set<String> = []
    ) async throws -> [Delivery] {
        let at = now.storeMilliseconds
        let until = now.addingTimeInterval(lease).storeMilliseconds
        let exclusion: SQLQueryString = excluded.isEmpty ? "" : " AND integration_id NOT IN (\(binds: Array(excluded)))"
        let lock = database.dialect.claimLockClause
        let query: SQLQueryString =
            """
            UPDATE deliveries SET next_attempt_at = \(bind: until), claim_token = \(bind: token)
            WHERE id IN (SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= \(bind: at)
            """ + exclusion + " ORDER BY next_attempt_at LIMIT \(bind: limit)\(unsafeRaw: lock)) RETURNING *"
        // Rows are decoded after the transaction, so that the connection is not held for Swift-side work.
        let rows = try await database.transaction { db in try await db.raw(query).all() }
        return try rows.map { try $0.decode(model: Delivery.self, with: Self.rowDecoder) }
    }

    /// Hands claimed deliveries back to the queue at once, e.g. those beyond an integration's share of a
    /// worker's slots; only the claim's own holder can release it.
    public func releaseClaims(ids: [String], token: String, now: Date = Date()) async throws {
        guard !ids.isEmpty else { return }
        try await database.transaction { db in
            try await db.raw(
                """
                UPDATE deliveries SET next_attempt_at = \(bind: now.storeMilliseconds), claim_token = NULL
                WHERE claim_token = \(bind: token) AND id IN (\(binds: ids))
                """
            ).run()
        }
    }

    /// The stored events with these ids.
    public func events(ids: [String]) async throws -> [String: StoredEvent] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await database.withConnection { db in
            try await db.raw("SELECT id, occurred_at, data FROM events WHERE id IN (\(binds: ids))").all()
        }
        // Decoded after the connection is released.
        var events: [String: StoredEvent] = [:]
        for row in rows {
            let id = try row.decode(column: "id", as: String.self)
            let data = try JSONDecoder().decode(JSONValue.self, from: Data(try row.decode(column: "data", as: String.self).utf8))
            events[id] = StoredEvent(
                id: id,
                occurredAt: Timestamp.date(milliseconds: try row.decode(column: "occurred_at", as: Int64.self)),
                data: data.objectValue ?? [:]
            )
        }
        return events
    }

    /// Pending deliveries and the age of the oldest due one, for `/metrics`.
    public func queueStatistics(now: Date = Date()) async throws -> (pending: Int, oldestDueAge: TimeInterval) {
        try await database.withConnection { db in
            let row = try await db.raw(
                "SELECT COUNT(*) AS n, MIN(next_attempt_at) AS oldest FROM deliveries WHERE status = 'pending'"
            ).first()
            let pending = try row?.decode(column: "n", as: Int.self) ?? 0
            let oldest = try row?.decode(column: "oldest", as: Int64?.self)
            let age = oldest.map { max(0, TimeInterval(now.storeMilliseconds - $0) / 1000) } ?? 0
            return (pending, age)
        }
    }
}
