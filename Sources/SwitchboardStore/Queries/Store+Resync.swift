import Foundation
import SQLKit
import SwitchboardDomain

/// A registrant as resync reads it: the email and the newest registration's registrant object.
public struct StoredRegistrant: Sendable, Equatable {
    public var email: String
    public var registrant: JSONValue
}

extension Store {
    /// How many distinct registrants the workspace has (of `broadcasts`, when given).
    public func registrantCount(workspaceID: String, broadcasts: [String]) async throws -> Int {
        try await database.withConnection { db in
            try await db.raw(
                "SELECT COUNT(DISTINCT email) AS n FROM registrations WHERE workspace_id = \(bind: workspaceID)" + Self.broadcastClause(broadcasts)
            ).first(decodingColumn: "n", as: Int.self) ?? 0
        }
    }

    /// The next `limit` registrants by email after `after`, each with its newest registration's details.
    public func registrants(workspaceID: String, broadcasts: [String], after: String?, limit: Int) async throws -> [StoredRegistrant] {
        try await database.withConnection { db in
            let emails = try await db.raw(
                "SELECT DISTINCT email FROM registrations WHERE workspace_id = \(bind: workspaceID) AND email > \(bind: after ?? "")"
                    + Self.broadcastClause(broadcasts) + " ORDER BY email LIMIT \(bind: limit)"
            ).all().map { try $0.decode(column: "email", as: String.self) }
            guard !emails.isEmpty else { return [] }
            let rows = try await db.raw(
                "SELECT email, data, registered_at FROM registrations WHERE workspace_id = \(bind: workspaceID) AND email IN (\(binds: emails))"
                    + Self.broadcastClause(broadcasts)
            ).all()
            var newest: [String: (Int64, String)] = [:]
            for row in rows {
                let email = try row.decode(column: "email", as: String.self)
                let at = try row.decode(column: "registered_at", as: Int64.self)
                if (newest[email]?.0 ?? .min) <= at { newest[email] = (at, try row.decode(column: "data", as: String.self)) }
            }
            return emails.map { email in
                let data = newest[email].flatMap { try? JSONValue(json: $0.1.utf8) }
                return StoredRegistrant(email: email, registrant: data?["registrant"] ?? .object(["email": .string(email)]))
            }
        }
    }

    private static func broadcastClause(_ broadcasts: [String]) -> SQLQueryString {
        broadcasts.isEmpty ? "" : " AND broadcast_id IN (\(binds: broadcasts))"
    }

    /// Takes one queued job of `kinds`, or a running one whose worker's lease ended (it crashed), for `worker`
    /// until `leaseUntil`: the one that last changed longest ago, so that a job that gave its turn (`requeueJob`)
    /// goes behind the others. Nil when none is waiting.
    public func claimJob(kinds: [String], worker: String, now: Date, lease: TimeInterval) async throws -> Job? {
        let at = now.storeMilliseconds
        let until = now.addingTimeInterval(lease).storeMilliseconds
        let lock = database.dialect.claimLockClause
        return try await database.transaction { db in
            guard
                let candidate = try await db.raw(
                    """
                    SELECT id FROM jobs WHERE kind IN (\(binds: kinds)) AND (status = 'queued'
                    OR (status = 'running' AND (lease_until IS NULL OR lease_until < \(bind: at)))) ORDER BY updated_at, id LIMIT 1\(unsafeRaw: lock)
                    """
                ).first(decodingColumn: "id", as: String.self)
            else { return nil }
            return try await db.raw(
                """
                UPDATE jobs SET status = 'running', claimed_by = \(bind: worker), lease_until = \(bind: until), updated_at = \(bind: at)
                WHERE id = \(bind: candidate) AND status IN ('queued', 'running') RETURNING *
                """
            ).first(decoding: Job.self, with: Self.rowDecoder)
        }
    }

    /// Saves a running job's progress, checkpoint and status, and extends its lease, only while `worker`
    /// still holds it and nobody cancelled it. False means: stop (cancelled, or taken over).
    public func saveJobProgress(_ job: Job, worker: String, now: Date, lease: TimeInterval) async throws -> Bool {
        let until = now.addingTimeInterval(lease).storeMilliseconds
        return try await database.withConnection { db in
            try await db.raw(
                """
                UPDATE jobs SET status = \(bind: job.status.rawValue), done = \(bind: job.done), total = \(bind: job.total),
                failed = \(bind: job.failed), errors = \(bind: job.errors), checkpoint = \(bind: job.checkpoint),
                lease_until = \(bind: until), updated_at = \(bind: now.storeMilliseconds)
                WHERE id = \(bind: job.id) AND status = 'running' AND claimed_by = \(bind: worker) RETURNING id
                """
            ).all().count == 1
        }
    }

    /// Whether a job of `kinds` other than `besides` waits to be claimed.
    public func isJobWaiting(kinds: [String], besides: String, now: Date) async throws -> Bool {
        try await database.withConnection { db in
            try await db.raw(
                """
                SELECT id FROM jobs WHERE kind IN (\(binds: kinds)) AND id <> \(bind: besides) AND (status = 'queued'
                OR (status = 'running' AND (lease_until IS NULL OR lease_until < \(bind: now.storeMilliseconds)))) LIMIT 1
                """
            ).first() != nil
        }
    }

    /// Puts a running job of `worker` back in the queue, progress kept, behind the jobs waiting; false when it was
    /// cancelled or taken over meanwhile.
    public func requeueJob(_ job: Job, worker: String, now: Date) async throws -> Bool {
        try await database.withConnection { db in
            try await db.raw(
                """
                UPDATE jobs SET status = 'queued', claimed_by = NULL, lease_until = NULL, updated_at = \(bind: now.storeMilliseconds)
                WHERE id = \(bind: job.id) AND status = 'running' AND claimed_by = \(bind: worker) RETURNING id
                """
            ).all().count == 1
        }
    }

    /// Whether a job of `kind` is queued or running for the integration.
    public func hasActiveJob(kind: String, integrationID: String) async throws -> Bool {
        try await database.withConnection { db in
            try await db.raw(
                "SELECT id FROM jobs WHERE kind = \(bind: kind) AND integration_id = \(bind: integrationID) AND status IN ('queued', 'running') LIMIT 1"
            ).first() != nil
        }
    }
}
