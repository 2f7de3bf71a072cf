import Foundation
import Logging
import ServiceLifecycle
import SwitchboardStore

/// The loop of a job runner: claims a waiting job of `kinds` (or one whose worker's lease ended) and processes it,
/// or rests `pollInterval` when there is none, until graceful shutdown.
func runJobs(
    of kinds: [String],
    store: Store,
    worker: String,
    lease: TimeInterval,
    pollInterval: Duration,
    logger: Logger,
    process: @escaping @Sendable (Job) async -> Void
) async {
    await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            do {
                if let job = try await store.claimJob(kinds: kinds, worker: worker, now: Date(), lease: lease) {
                    await process(job)
                    continue
                }
            } catch {
                logger.warning("looking for jobs failed", metadata: ["kinds": "\(kinds.joined(separator: ","))", "error": "\(error)"])
            }
            try? await Task.sleep(for: pollInterval)
        }
    }
}
