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
}

/// An integration that wants events of some types.
struct Subscriber: Sendable {
    let integrationID: String
    let paused: Bool
    let events: Set<OutboundEventType>
}

extension Store {
    /// Stores events, with their registrations, attendance and every delivery they fan out to, in one
    /// transaction: either all of it is durable or none of it is.
    public func ingest(workspaceID: String, events: [InboundEvent], receivedAt: Date = Date()) async throws -> [IngestedEvent] {
        let now = receivedAt.storeMilliseconds
        return try await database.transaction { db in
            let subscribers = try await Self.subscribers(workspaceID: workspaceID, in: db)
            var results: [IngestedEvent] = []
            var deliveries: [Delivery] = []
            results.reserveCapacity(events.count)
            for event in events {
                var data = event.data
                let eventID = Identifier.make("evt", at: receivedAt)
                switch event.type {
                case .registrationCreated: try await Self.upsertRegistration(event, workspaceID: workspaceID, in: db)
                case .attendanceRecorded: try await Self.upsertAttendance(event, workspaceID: workspaceID, in: db)
                case .broadcastEnded:
                    let summary = try await Self.summary(workspaceID: workspaceID, broadcastID: event.broadcastID, in: db)
                    data.merge(summary.fields) { _, computed in computed }
                }
                let inserted = try await db.raw(
                    """
                    INSERT INTO events (id, workspace_id, type, idempotency_key, occurred_at, received_at, data)
                    VALUES (\(bind: eventID), \(bind: workspaceID), \(bind: event.type.rawValue), \(bind: event.idempotencyKey),
                    \(bind: event.occurredAt.storeMilliseconds), \(bind: now), \(bind: encodeJSON(.object(data))))
                    ON CONFLICT (workspace_id, idempotency_key) DO NOTHING RETURNING id
                    """
                ).first()
                guard inserted != nil else {
                    let existing = try await db.raw(
                        "SELECT id FROM events WHERE workspace_id = \(bind: workspaceID) AND idempotency_key = \(bind: event.idempotencyKey)"
                    ).first(decodingColumn: "id", as: String.self)
                    results.append(IngestedEvent(id: existing ?? eventID, duplicate: true, deliveries: 0))
                    continue
                }
                let outbound = event.type.outbound
                let wanted = subscribers.filter { $0.events.contains(outbound) }
                for subscriber in wanted {
                    deliveries.append(
                        Delivery(
                            id: Identifier.make("msg", at: receivedAt),
                            workspaceId: workspaceID,
                            integrationId: subscriber.integrationID,
                            eventId: eventID,
                            eventType: outbound,
                            status: subscriber.paused ? .skipped : .pending,
                            attempts: 0,
                            consecutiveFailures: 0,
                            nextAttemptAt: subscriber.paused ? nil : now,
                            claimToken: nil,
                            createdAt: now,
                            updatedAt: now,
                            lastAttemptAt: nil,
                            lastStatusCode: nil,
                            lastError: nil
                        )
                    )
                }
                results.append(IngestedEvent(id: eventID, duplicate: false, deliveries: wanted.count))
            }
            // Inserted in chunks to stay far below SQLite's bound-parameter limit.
            for chunk in deliveries.chunked(into: 500) {
                try await db.insert(into: "deliveries").models(Array(chunk), with: Self.rowEncoder).run()
            }
            return results
        }
    }

    /// The workspace's integrations that receive events: not deleted, setup finished.
    static func subscribers(workspaceID: String, in db: any SQLDatabase) async throws -> [Subscriber] {
        let rows = try await db.raw(
            """
            SELECT id, settings, status FROM integrations WHERE workspace_id = \(bind: workspaceID) AND deleted_at IS NULL
            AND provider = 'webhook' AND status <> 'setup_incomplete'
            """
        ).all()
        return try rows.compactMap { row in
            let settings = try row.decode(column: "settings", as: String.self)
            guard let webhook = try? JSONDecoder().decode(WebhookSettings.self, from: Data(settings.utf8)) else { return nil }
            return Subscriber(
                integrationID: try row.decode(column: "id", as: String.self),
                paused: try row.decode(column: "status", as: String.self) == IntegrationStatus.paused.rawValue,
                events: Set(webhook.events)
            )
        }
    }

    static func upsertRegistration(_ event: InboundEvent, workspaceID: String, in db: any SQLDatabase) async throws {
        let details: JSONValue = .object(["registrant": event.data["registrant"] ?? .null, "source": event.data["source"] ?? .null])
        try await db.raw(
            """
            INSERT INTO registrations (workspace_id, broadcast_id, email, data, registered_at)
            VALUES (\(bind: workspaceID), \(bind: event.broadcastID), \(bind: event.registrantEmail ?? ""), \(bind: encodeJSON(details)),
            \(bind: event.occurredAt.storeMilliseconds))
            ON CONFLICT (workspace_id, broadcast_id, email) DO UPDATE SET data = excluded.data
            """
        ).run()
    }

    static func upsertAttendance(_ event: InboundEvent, workspaceID: String, in db: any SQLDatabase) async throws {
        let seconds = Int64(event.data["watch_seconds"]?.numberValue ?? 0)
        let joined = event.data["joined_at"]?.stringValue.flatMap(Timestamp.parse)?.storeMilliseconds
        let left = event.data["left_at"]?.stringValue.flatMap(Timestamp.parse)?.storeMilliseconds
        try await db.raw(
            """
            INSERT INTO attendances (workspace_id, broadcast_id, email, watch_seconds, joined_at, left_at)
            VALUES (\(bind: workspaceID), \(bind: event.broadcastID), \(bind: event.registrantEmail ?? ""), \(bind: seconds), \(bind: joined), \(bind: left))
            ON CONFLICT (workspace_id, broadcast_id, email) DO UPDATE SET
            watch_seconds = attendances.watch_seconds + excluded.watch_seconds, left_at = excluded.left_at
            """
        ).run()
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
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(into size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
