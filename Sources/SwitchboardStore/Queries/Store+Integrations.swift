import Foundation
import SQLKit
import SwitchboardDomain

extension Store {
    /// Stores a new integration.
    public func insertIntegration(_ integration: Integration) async throws {
        try await database.withConnection { db in
            try await db.insert(into: "integrations").model(integration, with: Self.rowEncoder).run()
        }
    }

    /// The integration of this workspace, or nil (also when deleted).
    public func integration(workspaceID: String, id: String) async throws -> Integration? {
        try await database.withConnection { db in
            try await db.raw("SELECT * FROM integrations WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id) AND deleted_at IS NULL")
                .first(decoding: Integration.self, with: Self.rowDecoder)
        }
    }

    /// How many integrations the workspace has (deleted ones aside).
    public func integrationCount(workspaceID: String) async throws -> Int {
        try await database.withConnection { db in
            try await db.raw("SELECT COUNT(*) AS n FROM integrations WHERE workspace_id = \(bind: workspaceID) AND deleted_at IS NULL")
                .first(decodingColumn: "n", as: Int.self) ?? 0
        }
    }

    /// The workspace's integrations, newest first.
    public func integrations(workspaceID: String, limit: Int, cursor: String?) async throws -> Page<Integration> {
        let fetched = try await database.withConnection { db in
            try await db.raw(
                "SELECT * FROM integrations WHERE workspace_id = \(bind: workspaceID) AND deleted_at IS NULL"
                    + Self.cursorClause(cursor) + " ORDER BY id DESC LIMIT \(bind: limit + 1)"
            ).all(decoding: Integration.self, with: Self.rowDecoder)
        }
        return Page(fetched: fetched, limit: limit, id: \.id)
    }

    /// Integrations by id, whatever their workspace: for the engine, which works across workspaces.
    public func integrations(ids: [String]) async throws -> [String: Integration] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await database.withConnection { db in
            try await db.raw("SELECT * FROM integrations WHERE id IN (\(binds: ids))").all()
        }.map { try $0.decode(model: Integration.self, with: Self.rowDecoder) }
        return Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Saves the fields in which `integration` differs from `read`, the row it was made from, so that what changed
    /// in other fields meanwhile stays (the recording of its health, between a manager's read and save). When the
    /// change pauses it, its pending deliveries become `skipped` in the same transaction, so nothing is sent while
    /// paused; a `notification` for the workspace's managers is stored with it.
    public func updateIntegration(_ integration: Integration, from read: Integration, notification: Notification? = nil) async throws {
        try await database.transaction { db in
            let counts = try await Self.save(integration, from: read, in: db)
            if let notification { try await Self.insertNotification(notification, in: db) }
            try await Self.applyCounts(counts, in: db)
        }
    }

    /// Replaces an integration's sealed credentials only (an OAuth refresh), leaving its status and
    /// `updated_at` (which marks a manager's changes) alone; only while they are still `previous`, so that a refresh
    /// never overwrites what another process or a manager saved meanwhile. Whether they were replaced.
    @discardableResult
    public func updateCredentials(integrationID: String, sealed: String, replacing previous: String) async throws -> Bool {
        try await database.withConnection { db in
            try await db.raw(
                """
                UPDATE integrations SET credentials = \(bind: sealed)
                WHERE id = \(bind: integrationID) AND credentials = \(bind: previous) RETURNING id
                """
            ).all().count == 1
        }
    }

    /// Integrations of these providers in these statuses, across workspaces: for the validation sweep.
    public func integrations(providers: [String], statuses: [IntegrationStatus]) async throws -> [Integration] {
        guard !providers.isEmpty, !statuses.isEmpty else { return [] }
        return try await database.withConnection { db in
            try await db.raw(
                """
                SELECT * FROM integrations WHERE deleted_at IS NULL AND provider IN (\(binds: providers))
                AND status IN (\(binds: statuses.map(\.rawValue))) ORDER BY id
                """
            ).all(decoding: Integration.self, with: Self.rowDecoder)
        }
    }

    /// Writes the columns in which an integration differs from `read`; returns the change to its delivery counts,
    /// for the caller to apply (`applyCounts`).
    static func save(_ integration: Integration, from read: Integration, in db: any SQLDatabase) async throws -> CountChanges {
        let changed = try changedColumns(of: integration, from: read)
        let columns = try rowEncoder.encode(integration).filter { changed.contains($0.0) }
        if !columns.isEmpty {
            var update = db.update("integrations")
            for (column, value) in columns { update = update.set(SQLIdentifier(column), to: value) }
            try await update.where("id", .equal, integration.id).where("workspace_id", .equal, integration.workspaceId).run()
        }
        return try await endPendingForStatus(integration, in: db)
    }

    /// The columns whose values differ between two versions of an integration row.
    private static func changedColumns(of integration: Integration, from read: Integration) throws -> Set<String> {
        func fields(_ row: Integration) throws -> [String: JSONValue] {
            guard case .object(let fields) = try JSONValue(json: JSONEncoder().encode(row)) else { return [:] }
            return fields
        }
        let (new, old) = (try fields(integration), try fields(read))
        // A nil field is left out of the JSON: absent on one side and present on the other is a change too.
        return Set(new.keys).union(old.keys).filter { new[$0] != old[$0] }
    }

    /// Writes the health of `integration` (status, pause, detail, success and failure times, `updated_at`) if its row
    /// is still the version `read` was; nil when it has changed since, so that nothing of that change is overwritten.
    /// Otherwise returns the change to its delivery counts, as `save` does.
    static func saveHealth(_ integration: Integration, over read: Integration, in db: any SQLDatabase) async throws -> CountChanges? {
        let written = try await db.raw(
            """
            UPDATE integrations SET status = \(bind: integration.status.rawValue), pause_reason = \(bind: integration.pauseReason?.rawValue),
            status_detail = \(bind: integration.statusDetail), last_success_at = \(bind: integration.lastSuccessAt),
            last_failure_at = \(bind: integration.lastFailureAt), failing_since = \(bind: integration.failingSince),
            updated_at = \(bind: integration.updatedAt)
            WHERE id = \(bind: integration.id) AND updated_at = \(bind: read.updatedAt) RETURNING id
            """
        ).all()
        guard !written.isEmpty else { return nil }
        return try await endPendingForStatus(integration, in: db)
    }

    /// Ends an integration's pending deliveries as `FanOut` says for its status (a paused one's are `skipped`);
    /// returns the change to the counts.
    private static func endPendingForStatus(_ integration: Integration, in db: any SQLDatabase) async throws -> CountChanges {
        guard let ending = FanOut.pendingDeliveries(onEntering: integration.status) else { return CountChanges() }
        return try await endPending(of: integration.id, as: ending, at: integration.updatedAt, in: db)
    }

    /// Ends an integration's pending deliveries (claimed ones too) in `status`; returns the change to the counts.
    private static func endPending(
        of integrationID: String,
        as status: DeliveryStatus,
        at: Int64,
        in db: any SQLDatabase
    ) async throws -> CountChanges {
        let ended = try await db.raw(
            """
            UPDATE deliveries SET status = \(bind: status.rawValue), claim_token = NULL, next_attempt_at = NULL, updated_at = \(bind: at)
            WHERE integration_id = \(bind: integrationID) AND status = 'pending' RETURNING id
            """
        ).all().count
        var counts = CountChanges()
        counts.move(integrationID, from: .pending, to: status, ended)
        return counts
    }

    /// Marks an integration deleted and cancels its pending deliveries; its history stays for the log.
    public func deleteIntegration(workspaceID: String, id: String, now: Date = Date()) async throws -> Bool {
        let at = now.storeMilliseconds
        return try await database.transaction { db in
            let deleted = try await db.raw(
                "UPDATE integrations SET deleted_at = \(bind: at), updated_at = \(bind: at) WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id) AND deleted_at IS NULL RETURNING id"
            ).all()
            guard !deleted.isEmpty else { return false }
            try await Self.applyCounts(try await Self.endPending(of: id, as: .cancelled, at: at, in: db), in: db)
            return true
        }
    }
}
