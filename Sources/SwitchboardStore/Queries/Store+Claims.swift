import Foundation
import SQLKit
import SwitchboardDomain

/// A stored event's body material, as the sender needs it.
public struct StoredEvent: Sendable, Equatable {
    public var id: String
    public var occurredAt: Date
    /// The data as stored, JSON text (for `broadcast.ended`, with the computed summary fields).
    public var dataJSON: String

    /// The data, decoded.
    public var data: [String: JSONValue] {
        ((try? JSONValue(json: dataJSON.utf8))?.objectValue) ?? [:]
    }
}

extension Store {
    /// Claims up to `limit` due deliveries for one worker, shared fairly among the workspaces that have due work, then
    /// among their integrations: each workspace gets an equal part of `limit`, at most `workspaceRoom(workspace)`, and
    /// each of its integrations an equal part of that, at most `room(integration)`, oldest first.
    ///
    /// Claiming pushes `next_attempt_at` to the end of the lease and stamps a claim token: a worker that
    /// dies leaves its deliveries to come due again when the lease ends, and a worker whose lease ran out
    /// can no longer record over a newer claim. PostgreSQL workers skip each other's locked rows.
    ///
    /// Integrations are claimed one by one through the due index (integration, time), so a backlog of
    /// one slow or saturated integration costs the others nothing: the claim never scans its rows.
    public func claimDue(
        limit: Int,
        now: Date,
        lease: TimeInterval,
        token: String,
        excludingIntegrations excluded: Set<String> = [],
        room: @escaping @Sendable (String) -> Int = { _ in .max },
        workspaceRoom: @escaping @Sendable (String) -> Int = { _ in .max },
        rotation: Int = 0
    ) async throws -> [Delivery] {
        guard limit > 0 else { return [] }
        let at = now.storeMilliseconds
        let until = now.addingTimeInterval(lease).storeMilliseconds
        let dialect = database.dialect
        let (rows, decoded) = try await database.transaction { db in
            let due = try await Self.integrationsWithDueDeliveries(at: at, dialect: dialect, in: db).filter { !excluded.contains($0.integration) }
            let shares = Self.shares(of: limit, among: due, room: room, workspaceRoom: workspaceRoom, rotation: rotation)
            var rows: [any SQLRow] = []
            var decoded: [Delivery] = []
            for chunk in shares.chunked(into: 100) {
                var claim = BoundSQL("UPDATE deliveries SET next_attempt_at = ")
                claim.append(.integer(until))
                claim.append(", claim_token = ")
                claim.append(.text(token))
                claim.append(" WHERE id IN (")
                for (index, share) in chunk.enumerated() {
                    claim.append(
                        (index == 0 ? "" : " UNION ALL ")
                            + "SELECT id FROM (SELECT id FROM deliveries WHERE status = 'pending' AND integration_id = "
                    )
                    claim.append(.text(share.integration))
                    claim.append(" AND next_attempt_at <= ")
                    claim.append(.integer(at))
                    claim.append(" ORDER BY next_attempt_at LIMIT ")
                    claim.append(.integer(share.count))
                    claim.append("\(dialect.claimLockClause)) AS a\(index)")
                }
                claim.append(") RETURNING " + Delivery.columns.joined(separator: ", "))
                if let postgres = db as? PostgresStoreDatabase {
                    decoded += try await postgres.rows(claim).map(Delivery.init(postgresRow:))
                } else {
                    rows += try await db.bound(claim).all()
                }
            }
            return (rows, decoded)
        }
        // SQLite's rows are decoded after the transaction, so that the store's one connection is not held for Swift-side
        // work (PostgreSQL's are read by position, cheaply); ids grow with creation time, so each integration's
        // deliveries come back oldest first.
        return try (decoded + rows.map(Delivery.init(row:))).sorted { $0.id < $1.id }
    }

    /// Integrations with at least one pending delivery due at `at`, with their workspaces, found by skipping through
    /// the due index one integration at a time (a loose index scan), so the cost grows with integrations, not deliveries.
    static func integrationsWithDueDeliveries(
        at: Int64,
        dialect: StoreDialect,
        in db: any SQLDatabase
    ) async throws -> [(integration: String, workspace: String)] {
        let index = dialect.dueIndexHint
        return try await db.raw(
            """
            WITH RECURSIVE pending (integration_id) AS (
                SELECT MIN(integration_id) FROM deliveries\(unsafeRaw: index) WHERE status = 'pending'
                UNION ALL
                SELECT (SELECT MIN(d.integration_id) FROM deliveries AS d\(unsafeRaw: index)
                        WHERE d.status = 'pending' AND d.integration_id > p.integration_id)
                FROM pending AS p WHERE p.integration_id IS NOT NULL
            )
            SELECT p.integration_id, (SELECT d.workspace_id FROM deliveries AS d\(unsafeRaw: index)
                WHERE d.status = 'pending' AND d.integration_id = p.integration_id LIMIT 1) AS workspace_id
            FROM pending AS p WHERE p.integration_id IS NOT NULL AND (
                SELECT MIN(d.next_attempt_at) FROM deliveries AS d\(unsafeRaw: index)
                WHERE d.status = 'pending' AND d.integration_id = p.integration_id) <= \(bind: at)
            """
        ).all().map { (try $0.decode(column: "integration_id", as: String.self), try $0.decode(column: "workspace_id", as: String.self)) }
    }

    /// Splits `limit` among workspaces, then each workspace's part among its integrations (`shares(of:among:room:rotation:)`
    /// at both levels). A workspace's room is the least of `workspaceRoom` and its integrations' rooms together.
    static func shares(
        of limit: Int,
        among due: [(integration: String, workspace: String)],
        room: (String) -> Int,
        workspaceRoom: (String) -> Int,
        rotation: Int
    ) -> [(integration: String, count: Int)] {
        let byWorkspace = Dictionary(grouping: due, by: \.workspace).mapValues { $0.map(\.integration) }
        let roomOf = byWorkspace.mapValues { integrations in integrations.reduce(0) { $0 + min(max(0, room($1)), limit) } }
        let parts = shares(of: limit, among: byWorkspace.keys.sorted(), room: { min(workspaceRoom($0), roomOf[$0] ?? 0) }, rotation: rotation)
        return parts.flatMap { workspace, count in shares(of: count, among: byWorkspace[workspace] ?? [], room: room, rotation: rotation) }
    }

    /// Splits `limit` into equal parts among `integrations`, each at most its room; what one cannot take
    /// goes to the others. With more integrations than `limit`, `rotation` decides who goes first.
    static func shares(of limit: Int, among integrations: [String], room: (String) -> Int, rotation: Int) -> [(integration: String, count: Int)] {
        guard !integrations.isEmpty else { return [] }
        let offset = ((rotation % integrations.count) + integrations.count) % integrations.count
        let ordered = Array(integrations[offset...] + integrations[..<offset])
        let rooms = ordered.map { max(0, room($0)) }
        var counts = Array(repeating: 0, count: ordered.count)
        var open = ordered.indices.filter { rooms[$0] > 0 }
        var remaining = limit
        // Water-filling: every round gives each open integration an equal part of what is left.
        while remaining > 0 && !open.isEmpty {
            let part = max(1, remaining / open.count)
            for index in open where remaining > 0 {
                let take = min(part, rooms[index] - counts[index], remaining)
                counts[index] += take
                remaining -= take
            }
            open = open.filter { counts[$0] < rooms[$0] }
        }
        return ordered.indices.filter { counts[$0] > 0 }.map { (ordered[$0], counts[$0]) }
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
        // Read after the connection is released.
        var events: [String: StoredEvent] = [:]
        for row in rows {
            let id = try row.decode(column: "id", as: String.self)
            events[id] = StoredEvent(
                id: id,
                occurredAt: Timestamp.date(milliseconds: try row.decode(column: "occurred_at", as: Int64.self)),
                dataJSON: try row.decode(column: "data", as: String.self)
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
