import Foundation
import SwitchboardDomain
import SwitchboardStore

/// Re-sends all of an integration's failed or skipped deliveries since a time, as a job.
///
/// Re-queuing is one UPDATE, so the job finishes within the request; it is still a job so that the
/// API and the log treat every bulk action alike, and its progress says how many were queued.
public struct BulkRedelivery: Sendable {
    let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// Queues the deliveries and returns the finished job.
    public func run(workspaceID: String, integrationID: String, status: DeliveryStatus, since: Date, now: Date = Date()) async throws -> Job {
        let parameters = #"{"status":"\#(status.rawValue)","since":"\#(Timestamp.format(since))"}"#
        var job = Job(
            id: Identifier.make("job", at: now),
            workspaceId: workspaceID,
            integrationId: integrationID,
            kind: "redeliver",
            parameters: parameters,
            createdAt: Timestamp.milliseconds(now)
        )
        job.status = .running
        try await store.insertJob(job)
        do {
            let count = try await store.redeliverAll(workspaceID: workspaceID, integrationID: integrationID, status: status, since: since, now: now)
            job.total = count
            job.done = count
            job.status = .succeeded
        } catch {
            job.status = .failed
            job.errors = #"["the deliveries could not be queued; nothing was changed"]"#
        }
        job.updatedAt = Timestamp.milliseconds(Date())
        try await store.updateJob(job)
        return job
    }
}
