import Foundation
import SQLKit
import SwitchboardDomain

/// What ingest did with one event.
public struct IngestedEvent: Sendable, Equatable {
    /// The stored event's id (the earlier one's, for a duplicate).
    public var id: String
    /// True when the idempotency key had been seen: nothing new was stored.
    public var duplicate: Bool
    /// Deliveries created for it.
    public var deliveries: Int

    public init(id: String, duplicate: Bool, deliveries: Int) {
        self.id = id
        self.duplicate = duplicate
        self.deliveries = deliveries
    }
}

/// What ingest stored, and the deliveries it claimed for the local worker.
public struct IngestResult: Sendable {
    public var events: [IngestedEvent]
    public var claimed: [Delivery]
    /// The data of each new event as stored (compact JSON, keys sorted; with its summary for a `broadcast.ended`),
    /// by event id: webhook bodies are built around it without encoding the data again.
    public var dataJSON: [String: String]
    /// The version (`updated_at`) of each integration the events fanned out to, as this transaction read it: the
    /// claimed deliveries go as their integration was then, and a route kept from that version needs no new read.
    public var integrationVersions: [String: Int64]
}

/// A local worker's claim on deliveries as they are stored: ingest asks `accepts` once per new pending
/// delivery, in order, and claims those it accepts under `token` until `leaseEnds`.
public struct IngestClaim: Sendable {
    public var token: String
    public var leaseEnds: Date
    public var accepts: @Sendable (_ integrationID: String) -> Bool

    public init(token: String, leaseEnds: Date, accepts: @escaping @Sendable (_ integrationID: String) -> Bool) {
        self.token = token
        self.leaseEnds = leaseEnds
        self.accepts = accepts
    }
}

/// An integration that receives events of some types.
struct Subscriber: Sendable {
    let integrationID: String
    let status: IntegrationStatus
    let events: Set<OutboundEventType>
    /// Its `updated_at`.
    let version: Int64
}

extension Store {
    /// Stores events, with their registrations, attendance and every delivery they fan out to, in one
    /// transaction: either all of it is durable or none of it is. A repeated idempotency key changes nothing.
    ///
    /// Rows are written with multi-row statements. A `broadcast.ended` closes a segment: its summary counts
    /// exactly the registrations and attendance that came before it, as if the events were stored one by one.
    public func ingest(workspaceID: String, events: [InboundEvent], receivedAt: Date = Date()) async throws -> [IngestedEvent] {
        try await ingest(workspaceID: workspaceID, events: events, receivedAt: receivedAt, claim: nil).events
    }

    /// Stores events as `ingest(workspaceID:events:receivedAt:)` does, and claims for a local worker the new
    /// deliveries that `claim` accepts, in the same transaction: they need no claim query, and if the worker
    /// dies its lease ends and any worker takes them.
    public func ingest(workspaceID: String, events: [InboundEvent], receivedAt: Date = Date(), claim: IngestClaim?) async throws -> IngestResult {
        // Encoded before the transaction, which holds the store (for SQLite, its one thread) while it runs; a
        // `broadcast.ended` is encoded inside, once its summary is known.
        let encoded = events.map { $0.type == .broadcastEnded ? nil : encodeJSON(.object($0.data)) }
        return try await database.transaction { db in
            let subscribers = try await Self.subscribers(workspaceID: workspaceID, in: db)
            var results: [IngestedEvent] = []
            var deliveries: [Delivery] = []
            var dataJSON: [String: String] = [:]
            var segment: [(event: InboundEvent, dataJSON: String)] = []
            func flush() async throws {
                guard !segment.isEmpty else { return }
                let (stored, fanOut) = try await Self.store(segment, workspaceID: workspaceID, subscribers: subscribers, at: receivedAt, in: db)
                for (result, (_, json)) in zip(stored, segment) where !result.duplicate { dataJSON[result.id] = json }
                results += stored
                deliveries += fanOut
                segment.removeAll(keepingCapacity: true)
            }
            for (event, json) in zip(events, encoded) {
                guard let json else {
                    try await flush()
                    var ended = event
                    let summary = try await Self.summary(workspaceID: workspaceID, broadcastID: event.broadcastID, in: db)
                    ended.data.merge(summary.fields) { _, computed in computed }
                    segment = [(ended, encodeJSON(.object(ended.data)))]
                    try await flush()
                    continue
                }
                segment.append((event, json))
            }
            try await flush()
            var claimed: [Delivery] = []
            if let claim {
                let leaseEnds = claim.leaseEnds.storeMilliseconds
                for index in deliveries.indices where deliveries[index].status == .pending && claim.accepts(deliveries[index].integrationId) {
                    deliveries[index].nextAttemptAt = leaseEnds
                    deliveries[index].claimToken = claim.token
                    claimed.append(deliveries[index])
                }
            }
            try await Self.insert(deliveries, into: "deliveries", in: db)
            var counts = CountChanges()
            for delivery in deliveries { counts.add(delivery.integrationId, delivery.status) }
            try await Self.applyCounts(counts, in: db)
            return IngestResult(
                events: results,
                claimed: claimed,
                dataJSON: dataJSON,
                integrationVersions: Dictionary(subscribers.map { ($0.integrationID, $0.version) }) { first, _ in first }
            )
        }
    }

    /// Inserts a run of events with their data's JSON, then the registrations and attendance of those that are
    /// new, and returns what happened to each event with the deliveries to create.
    static func store(
        _ run: [(event: InboundEvent, dataJSON: String)],
        workspaceID: String,
        subscribers: [Subscriber],
        at receivedAt: Date,
        in db: any SQLDatabase
    ) async throws -> ([IngestedEvent], [Delivery]) {
        let now = receivedAt.storeMilliseconds
        let events = run.map(\.event)
        let ids = events.map { _ in Identifier.make("evt", at: receivedAt) }
        var inserted: Set<String> = []
        let dialect = db.storeDialect
        for chunk in dialect.bulkChunks(Array(zip(ids, run))) {
            var query = BoundSQL("INSERT INTO events (id, workspace_id, type, idempotency_key, occurred_at, received_at, data) ")
            query.appendInsertRows(
                chunk.map { id, item in
                    [
                        .text(id), .text(workspaceID), .text(item.event.type.rawValue), .text(item.event.idempotencyKey),
                        .integer(item.event.occurredAt.storeMilliseconds), .integer(now), .text(item.dataJSON),
                    ]
                },
                dialect: dialect
            )
            query.append(" ON CONFLICT (workspace_id, idempotency_key) DO NOTHING RETURNING id")
            for row in try await db.bound(query).all() { inserted.insert(try row.decode(column: "id", as: String.self)) }
        }
        // Events whose key was seen before (in an earlier request or earlier in this one) answer with the first id.
        var existing: [String: String] = [:]
        let repeatedKeys = zip(ids, events).filter { !inserted.contains($0.0) }.map(\.1.idempotencyKey)
        for chunk in Array(Set(repeatedKeys)).chunked(into: 500) {
            let rows = try await db.raw(
                "SELECT id, idempotency_key FROM events WHERE workspace_id = \(bind: workspaceID) AND idempotency_key IN (\(binds: Array(chunk)))"
            ).all()
            for row in rows {
                existing[try row.decode(column: "idempotency_key", as: String.self)] = try row.decode(column: "id", as: String.self)
            }
        }
        let fresh = zip(ids, events).filter { inserted.contains($0.0) }.map(\.1)
        try await upsertRegistrations(fresh.filter { $0.type == .registrationCreated }, workspaceID: workspaceID, in: db)
        try await upsertAttendance(fresh.filter { $0.type == .attendanceRecorded }, workspaceID: workspaceID, in: db)

        var results: [IngestedEvent] = []
        var deliveries: [Delivery] = []
        for (id, event) in zip(ids, events) {
            guard inserted.contains(id) else {
                results.append(IngestedEvent(id: existing[event.idempotencyKey] ?? id, duplicate: true, deliveries: 0))
                continue
            }
            let outbound = event.type.outbound
            var fannedOut = 0
            for subscriber in subscribers {
                guard let status = FanOut.delivery(of: outbound, to: subscriber.status, receiving: subscriber.events) else { continue }
                fannedOut += 1
                deliveries.append(
                    Delivery(
                        id: Identifier.make("msg", at: receivedAt),
                        workspaceId: workspaceID,
                        integrationId: subscriber.integrationID,
                        eventId: id,
                        eventType: outbound,
                        status: status,
                        attempts: 0,
                        consecutiveFailures: 0,
                        nextAttemptAt: status == .pending ? now : nil,
                        claimToken: nil,
                        createdAt: now,
                        updatedAt: now,
                        lastAttemptAt: nil,
                        lastStatusCode: nil,
                        lastError: nil
                    )
                )
            }
            results.append(IngestedEvent(id: id, duplicate: false, deliveries: fannedOut))
        }
        return (results, deliveries)
    }

    /// The workspace's integrations that are not deleted, with the events they receive (`FanOut` decides which get
    /// a delivery).
    static func subscribers(workspaceID: String, in db: any SQLDatabase) async throws -> [Subscriber] {
        let rows = try await db.raw(
            """
            SELECT id, events, settings, status, updated_at FROM integrations WHERE workspace_id = \(bind: workspaceID) AND deleted_at IS NULL
            """
        ).all()
        return try rows.compactMap { row in
            let events: Set<OutboundEventType>
            if let names = try row.decode(column: "events", as: String?.self) {
                events = Set(names.split(separator: ",").compactMap { OutboundEventType(rawValue: String($0)) })
            } else {
                // A webhook stored before integrations named their events: its settings do.
                let settings = try row.decode(column: "settings", as: String.self)
                guard let webhook = try? JSONDecoder().decode(WebhookSettings.self, from: Data(settings.utf8)) else { return nil }
                events = Set(webhook.events)
            }
            return Subscriber(
                integrationID: try row.decode(column: "id", as: String.self),
                status: IntegrationStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .paused,
                events: events,
                version: try row.decode(column: "updated_at", as: Int64.self)
            )
        }
    }

    /// Upserts registrations; within one statement each (broadcast, email) appears once, the latest winning.
    static func upsertRegistrations(_ events: [InboundEvent], workspaceID: String, in db: any SQLDatabase) async throws {
        var latest: [String: (String, String, InboundEvent)] = [:]
        var order: [String] = []
        for event in events {
            let email = event.registrantEmail ?? ""
            let key = event.broadcastID + "\u{0}" + email
            if latest[key] == nil { order.append(key) }
            latest[key] = (event.broadcastID, email, event)
        }
        let dialect = db.storeDialect
        for chunk in dialect.bulkChunks(order) {
            var query = BoundSQL("INSERT INTO registrations (workspace_id, broadcast_id, email, data, registered_at) ")
            query.appendInsertRows(
                chunk.compactMap { latest[$0] }.map { broadcast, email, event in
                    let details: JSONValue = .object(["registrant": event.data["registrant"] ?? .null, "source": event.data["source"] ?? .null])
                    return [
                        .text(workspaceID), .text(broadcast), .text(email), .text(encodeJSON(details)), .integer(event.occurredAt.storeMilliseconds),
                    ]
                },
                dialect: dialect
            )
            query.append(" ON CONFLICT (workspace_id, broadcast_id, email) DO UPDATE SET data = excluded.data")
            try await db.bound(query).run()
        }
    }

    /// Adds attendance: watch time accumulates per (broadcast, email); the latest `left_at` is kept.
    static func upsertAttendance(_ events: [InboundEvent], workspaceID: String, in db: any SQLDatabase) async throws {
        struct Sum {
            var broadcast: String
            var email: String
            var seconds: Int64
            var joined: Int64?
            var left: Int64?
        }
        var sums: [String: Sum] = [:]
        var order: [String] = []
        for event in events {
            let email = event.registrantEmail ?? ""
            let key = event.broadcastID + "\u{0}" + email
            let seconds = Int64(event.data["watch_seconds"]?.numberValue ?? 0)
            let joined = event.data["joined_at"]?.stringValue.flatMap(Timestamp.parse)?.storeMilliseconds
            let left = event.data["left_at"]?.stringValue.flatMap(Timestamp.parse)?.storeMilliseconds
            if var sum = sums[key] {
                sum.seconds += seconds
                sum.joined = [sum.joined, joined].compactMap { $0 }.min()
                sum.left = left ?? sum.left
                sums[key] = sum
            } else {
                order.append(key)
                sums[key] = Sum(broadcast: event.broadcastID, email: email, seconds: seconds, joined: joined, left: left)
            }
        }
        for chunk in order.chunked(into: 500) {
            let rows: [SQLQueryString] = chunk.compactMap { sums[$0] }.map { sum in
                "(\(bind: workspaceID), \(bind: sum.broadcast), \(bind: sum.email), \(bind: sum.seconds), \(bind: sum.joined), \(bind: sum.left))"
            }
            try await db.raw(
                "INSERT INTO attendances (workspace_id, broadcast_id, email, watch_seconds, joined_at, left_at) VALUES "
                    + rows.joined(separator: ", ")
                        + """
                         ON CONFLICT (workspace_id, broadcast_id, email) DO UPDATE SET
                        watch_seconds = attendances.watch_seconds + excluded.watch_seconds, left_at = COALESCE(excluded.left_at, attendances.left_at)
                        """
            ).run()
        }
    }

    static func summary(workspaceID: String, broadcastID: String, in db: any SQLDatabase) async throws -> BroadcastSummary {
        let registrants =
            try await db.raw(
                "SELECT COUNT(*) AS n FROM registrations WHERE workspace_id = \(bind: workspaceID) AND broadcast_id = \(bind: broadcastID)"
            ).first(decodingColumn: "n", as: Int.self) ?? 0
        let attendance = try await db.raw(
            """
            SELECT COUNT(*) AS n, CAST(COALESCE(SUM(watch_seconds), 0) AS BIGINT) AS total FROM attendances
            WHERE workspace_id = \(bind: workspaceID) AND broadcast_id = \(bind: broadcastID)
            """
        ).first()
        return BroadcastSummary(
            registrants: registrants,
            attendees: try attendance?.decode(column: "n", as: Int.self) ?? 0,
            totalWatchSeconds: try attendance?.decode(column: "total", as: Int.self) ?? 0
        )
    }
}

/// Compact JSON text for a stored JSON column.
func encodeJSON(_ value: JSONValue) -> String {
    JSONColumn.text(value, fallback: "null")
}
