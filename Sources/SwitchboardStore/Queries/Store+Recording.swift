import Foundation
import SQLKit
import SwitchboardDomain

/// One finished attempt, ready to be recorded.
public struct AttemptResult: Sendable {
    /// The delivery as claimed.
    public var delivery: Delivery
    /// What the attempt came to.
    public var outcome: AttemptOutcome
    /// What happens to the delivery next.
    public var decision: DeliveryDecision
    /// How long the integration's provider lets it fail without a success before it pauses (the webhook's five
    /// days, `HealthRules.endpointFailingAfter`); nil when it never pauses for failing.
    public var pauseAfterFailing: TimeInterval?

    public init(delivery: Delivery, outcome: AttemptOutcome, decision: DeliveryDecision, pauseAfterFailing: TimeInterval? = nil) {
        self.delivery = delivery
        self.outcome = outcome
        self.decision = decision
        self.pauseAfterFailing = pauseAfterFailing
    }
}

/// An integration whose status changed while recording, for notifications and logs.
public struct HealthChange: Sendable, Equatable {
    public var workspaceID: String
    public var integrationID: String
    public var health: IntegrationHealth
}

extension Store {
    /// Records a batch of attempts in one transaction: the attempts, the deliveries' new state, the integrations'
    /// health (decided by `HealthRules`), and for each integration the batch paused, the notice the engine makes of
    /// it (`noticeOfPause`). Returns the integrations whose status changed.
    @discardableResult
    public func record(
        _ results: [AttemptResult],
        now: Date = Date(),
        noticeOfPause: @escaping @Sendable (Integration, Date) -> Notification
    ) async throws -> [HealthChange] {
        guard !results.isEmpty else { return [] }
        let at = now.storeMilliseconds
        return try await database.transaction { db in
            let attempts = results.map { result in
                Attempt(
                    id: Identifier.make("att", at: result.outcome.startedAt),
                    deliveryId: result.delivery.id,
                    workspaceId: result.delivery.workspaceId,
                    attemptedAt: result.outcome.startedAt.storeMilliseconds,
                    durationMs: result.outcome.durationMilliseconds,
                    statusCode: result.outcome.statusCode,
                    responseBody: result.outcome.responseBody,
                    errorClass: result.outcome.errorClass?.rawValue,
                    error: result.outcome.errorMessage
                )
            }
            try await Self.insert(attempts, into: "attempts", in: db)
            var recorded: [AttemptResult] = []
            for chunk in db.storeDialect.bulkChunks(results) {
                let updated = Set(try await Self.updateDeliveries(Array(chunk), at: at, in: db))
                recorded += chunk.filter { updated.contains($0.delivery.id) }
            }
            var counts = CountChanges()
            for result in recorded { counts.move(result.delivery.integrationId, from: .pending, to: result.decision.status) }
            let changes = try await Self.updateHealth(after: recorded, now: now, counts: &counts, noticeOfPause: noticeOfPause, in: db)
            try await Self.applyCounts(counts, in: db)
            return changes
        }
    }

    /// Writes the deliveries' new state in one statement per chunk, each row only if its claim is still
    /// the one the attempt was made under; returns the ids written.
    static func updateDeliveries(_ results: [AttemptResult], at: Int64, in db: any SQLDatabase) async throws -> [String] {
        // The rows are a table v with columns column1…column8 (`BoundSQL.appendTable`).
        var query = BoundSQL(
            "UPDATE deliveries SET status = v.column3, attempts = attempts + 1, consecutive_failures = CAST(v.column4 AS INTEGER), "
                + "next_attempt_at = CAST(v.column5 AS BIGINT), claim_token = NULL, updated_at = "
        )
        query.append(.integer(at))
        query.append(
            ", last_attempt_at = CAST(v.column6 AS BIGINT), last_status_code = CAST(v.column7 AS INTEGER), "
                + "last_error = CAST(v.column8 AS TEXT) FROM "
        )
        let rows = results.map { result -> [BoundValue] in
            let failures: Int
            let next: Int64?
            switch result.decision {
            case .succeeded: (failures, next) = (0, nil)
            case .failed: (failures, next) = (result.delivery.consecutiveFailures + 1, nil)
            case .retry(let date): (failures, next) = (result.delivery.consecutiveFailures + 1, date.storeMilliseconds)
            // Throttled or refused: waits without using up an attempt of the schedule.
            case .deferred(let date): (failures, next) = (result.delivery.consecutiveFailures, date.storeMilliseconds)
            }
            return [
                .text(result.delivery.id), .text(result.delivery.claimToken ?? ""), .text(result.decision.status.rawValue), .integer(failures),
                .integer(next), .integer(result.outcome.startedAt.storeMilliseconds), .integer(result.outcome.statusCode),
                .text(result.outcome.succeeded ? nil : result.outcome.summary),
            ]
        }
        query.appendTable(rows, dialect: db.storeDialect)
        query.append(" WHERE deliveries.id = v.column1 AND deliveries.claim_token = v.column2 RETURNING deliveries.id")
        return try await db.bound(query).all().map { try $0.decode(column: "id", as: String.self) }
    }

    /// Applies the domain's transitions for each integration in the order its attempts finished; a pause adds the
    /// deliveries it skips to `counts`.
    ///
    /// Only the health is written (status, pause, detail, success and failure times), and only onto the row as it
    /// was read: if a manager's change (another process, on PostgreSQL) landed in between, the row is read again and
    /// the same attempts applied to it. Writing back the whole row read earlier undid such a change — a secret
    /// rotated a moment before was replaced by the old one.
    static func updateHealth(
        after results: [AttemptResult],
        now: Date,
        counts: inout CountChanges,
        noticeOfPause: (Integration, Date) -> Notification,
        in db: any SQLDatabase
    ) async throws -> [HealthChange] {
        let ids = Array(Set(results.map(\.delivery.integrationId)))
        guard !ids.isEmpty else { return [] }
        let integrations = try await db.raw("SELECT * FROM integrations WHERE id IN (\(binds: ids))")
            .all(decoding: Integration.self, with: rowDecoder)
        var changes: [HealthChange] = []
        for read in integrations {
            var before = read
            for _ in 0..<3 {
                let integration = applying(results, to: before, now: now)
                // Success and failure times are kept to the second: a busy integration is not rewritten on every batch.
                let onlyFresherTimes =
                    integration.health == before.health && integration.failingSince == before.failingSince
                    && (integration.lastSuccessAt ?? 0) - (before.lastSuccessAt ?? 0) < 1000
                    && (integration.lastFailureAt ?? 0) - (before.lastFailureAt ?? 0) < 1000
                if onlyFresherTimes { break }
                guard let skipped = try await saveHealth(integration, over: before, in: db) else {
                    let fresh = try await db.raw("SELECT * FROM integrations WHERE id = \(bind: before.id)")
                        .first(decoding: Integration.self, with: rowDecoder)
                    guard let fresh else { break }
                    before = fresh
                    continue
                }
                counts.merge(skipped)
                if integration.health != before.health {
                    changes.append(HealthChange(workspaceID: integration.workspaceId, integrationID: integration.id, health: integration.health))
                    if integration.status == .paused {
                        try await insertNotification(noticeOfPause(integration, now), in: db)
                    }
                }
                break
            }
        }
        return changes
    }

    /// `integration` after its attempts among `results` (in the order they finished), as of `now`.
    private static func applying(_ results: [AttemptResult], to integration: Integration, now: Date) -> Integration {
        var integration = integration
        let mine = results.filter { $0.delivery.integrationId == integration.id }
        let before = HealthState(
            health: integration.health,
            lastSuccessAt: integration.lastSuccessAt,
            lastFailureAt: integration.lastFailureAt,
            failingSince: integration.failingSince
        )
        let after = HealthRules.apply(
            mine.map(\.outcome),
            to: before,
            pauseAfterFailing: mine.lazy.compactMap(\.pauseAfterFailing).first,
            now: now
        )
        integration.health = after.health
        integration.lastSuccessAt = after.lastSuccessAt
        integration.lastFailureAt = after.lastFailureAt
        integration.failingSince = after.failingSince
        integration.updatedAt = now.storeMilliseconds
        return integration
    }
}
