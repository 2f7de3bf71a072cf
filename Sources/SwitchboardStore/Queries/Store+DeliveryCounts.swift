import Foundation
import SQLKit
import SwitchboardDomain

/// Changes to integrations' delivery counts, gathered while a transaction writes deliveries and applied at its end
/// (`Store.applyCounts`).
struct CountChanges {
    private(set) var deltas: [Key: Int] = [:]

    struct Key: Hashable, Comparable {
        var integrationID: String
        var status: DeliveryStatus

        static func < (a: Key, b: Key) -> Bool {
            (a.integrationID, a.status.rawValue) < (b.integrationID, b.status.rawValue)
        }
    }

    /// `count` deliveries of `integrationID` now in `status` (negative: no longer).
    mutating func add(_ integrationID: String, _ status: DeliveryStatus, _ count: Int = 1) {
        deltas[Key(integrationID: integrationID, status: status), default: 0] += count
    }

    /// `count` deliveries of `integrationID` moved from one status to another.
    mutating func move(_ integrationID: String, from old: DeliveryStatus, to new: DeliveryStatus, _ count: Int = 1) {
        guard old != new else { return }
        add(integrationID, old, -count)
        add(integrationID, new, count)
    }

    /// Adds another set of changes to these.
    mutating func merge(_ other: CountChanges) {
        deltas.merge(other.deltas, uniquingKeysWith: +)
    }
}

extension Store {
    /// Adds `changes` to the kept counts in one statement. It runs last in its transaction and takes the counts' rows in
    /// one order (integration, status), so that concurrent writers wait for each other briefly and never deadlock.
    static func applyCounts(_ changes: CountChanges, in db: any SQLDatabase) async throws {
        let rows = changes.deltas.filter { $0.value != 0 }.sorted { $0.key < $1.key }
        try await upsert(
            into: "delivery_counts",
            columns: ["integration_id", "status", "n"],
            rows: rows.map { [.text($0.key.integrationID), .text($0.key.status.rawValue), .integer($0.value)] },
            onConflict: "ON CONFLICT (integration_id, status) DO UPDATE SET n = delivery_counts.n + excluded.n",
            in: db
        )
    }

    /// How many deliveries of an integration are in each status.
    public func deliveryCounts(integrationID: String) async throws -> [DeliveryStatus: Int] {
        try await deliveryCounts(integrationIDs: [integrationID])[integrationID] ?? [:]
    }

    /// The same for several integrations in one query (a page of the list).
    public func deliveryCounts(integrationIDs: [String]) async throws -> [String: [DeliveryStatus: Int]] {
        guard !integrationIDs.isEmpty else { return [:] }
        let rows = try await database.withConnection { db in
            try await db.raw("SELECT integration_id, status, n FROM delivery_counts WHERE integration_id IN (\(binds: integrationIDs)) AND n <> 0")
                .all()
        }
        var counts: [String: [DeliveryStatus: Int]] = [:]
        for row in rows {
            if let status = DeliveryStatus(rawValue: try row.decode(column: "status", as: String.self)) {
                counts[try row.decode(column: "integration_id", as: String.self), default: [:]][status] = try row.decode(column: "n", as: Int.self)
            }
        }
        return counts
    }
}
