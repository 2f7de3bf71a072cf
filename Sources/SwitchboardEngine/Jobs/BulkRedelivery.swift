import Foundation
import Logging
import ServiceLifecycle
import SwitchboardDomain
import SwitchboardStore

/// Re-sends all of an integration's failed or skipped deliveries since a time, as a job: `start` queues it, and the
/// runner (every process that delivers runs one) re-queues the deliveries in chunks of `chunkSize`, each its own
/// short transaction in id order with a checkpoint saved after it. A million of them never hold SQLite's one writer
/// for long, a cancel is seen at the next chunk, and a process that dies leaves the rest to the next runner.
public struct BulkRedelivery: Service {
    public static let kind = "redeliver"

    let store: Store
    let localDispatch: LocalDispatch
    let workerID: String
    let pollInterval: Duration
    let lease: TimeInterval
    let chunkSize: Int
    let logger: Logger

    public init(
        store: Store,
        localDispatch: LocalDispatch,
        workerID: String,
        pollInterval: Duration = .seconds(1),
        lease: TimeInterval = 60,
        chunkSize: Int = 1000,
        logger: Logger
    ) {
        self.store = store
        self.localDispatch = localDispatch
        self.workerID = workerID
        self.pollInterval = pollInterval
        self.lease = lease
        self.chunkSize = chunkSize
        self.logger = logger
    }

    /// Queues a re-send of the integration's deliveries in `status` made since `since`; the job counts them.
    public static func start(
        store: Store,
        workspaceID: String,
        integrationID: String,
        status: DeliveryStatus,
        since: Date,
        now: Date = Date()
    ) async throws -> Job {
        var job = Job(
            id: Identifier.make("job", at: now),
            workspaceId: workspaceID,
            integrationId: integrationID,
            kind: kind,
            parameters: JSONColumn.text(["status": status.rawValue, "since": Timestamp.format(since)], fallback: "{}"),
            createdAt: Timestamp.milliseconds(now)
        )
        job.total = try await store.deliveryCount(workspaceID: workspaceID, integrationID: integrationID, status: status, since: since)
        try await store.insertJob(job)
        return job
    }

    public func run() async throws {
        await runJobs(of: [Self.kind], store: store, worker: workerID, lease: lease, pollInterval: pollInterval, logger: logger) {
            await process($0)
        }
    }

    /// Works through a claimed job chunk by chunk until it is done or cancelled.
    public func process(_ claimed: Job) async {
        var job = claimed
        let parameters = (try? JSONValue(json: job.parameters.utf8)) ?? .null
        guard let integrationID = job.integrationId, let status = parameters["status"]?.stringValue.flatMap(DeliveryStatus.init(rawValue:)),
            let since = parameters["since"]?.stringValue.flatMap(Timestamp.parse)
        else {
            job.status = .failed
            job.errors = JSONColumn.text(["the job's parameters cannot be read"], fallback: "[]")
            _ = try? await store.saveJobProgress(job, worker: workerID, now: Date(), lease: lease)
            return
        }
        while !Task.isCancelled {
            let chunk: (queued: Int, last: String?)
            do {
                chunk = try await store.redeliverChunk(
                    workspaceID: job.workspaceId,
                    integrationID: integrationID,
                    status: status,
                    since: since,
                    after: job.checkpoint,
                    limit: chunkSize
                )
            } catch {
                logger.warning("re-sending a chunk failed; the job continues later", metadata: ["job": "\(job.id)", "error": "\(error)"])
                return
            }
            if chunk.queued > 0 { localDispatch.wake() }
            job.done += chunk.queued
            job.total = max(job.total, job.done)
            if let last = chunk.last { job.checkpoint = last } else { job.status = .succeeded }
            guard (try? await store.saveJobProgress(job, worker: workerID, now: Date(), lease: lease)) == true, job.status != .succeeded else {
                return
            }
        }
    }
}
