import Foundation
import SQLKit
import SwitchboardDomain

extension Store {
    /// Stores a job.
    public func insertJob(_ job: Job) async throws {
        try await database.withConnection { db in
            try await db.insert(into: "jobs").model(job, with: Self.rowEncoder).run()
        }
    }

    /// Saves a job's status and progress.
    public func updateJob(_ job: Job) async throws {
        try await database.withConnection { db in
            try await db.update("jobs").set(model: job, with: Self.rowEncoder).where("id", .equal, job.id).run()
        }
    }

    /// The workspace's job, or nil.
    public func job(workspaceID: String, id: String) async throws -> Job? {
        try await database.withConnection { db in
            try await db.raw("SELECT * FROM jobs WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)")
                .first(decoding: Job.self, with: Self.rowDecoder)
        }
    }

    /// Cancels a queued or running job; returns the job as it now stands, or nil when it does not exist.
    public func cancelJob(workspaceID: String, id: String, now: Date = Date()) async throws -> Job? {
        try await database.transaction { db in
            try await db.raw(
                """
                UPDATE jobs SET status = 'cancelled', updated_at = \(bind: now.storeMilliseconds)
                WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id) AND status IN ('queued', 'running')
                """
            ).run()
            return try await db.raw("SELECT * FROM jobs WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)")
                .first(decoding: Job.self, with: Self.rowDecoder)
        }
    }
}
