import Foundation
import Logging
import Metrics
import SwitchboardStore

/// Collects finished attempts and writes them in batches: while one transaction is being written,
/// the next batch accumulates, so the store's cost per attempt falls as the load rises.
actor AttemptRecorder {
    private let store: Store
    private let logger: Logger
    private var buffer: [AttemptResult] = []
    private var waiter: CheckedContinuation<Void, Never>?
    private var finishing = false
    private static let maximumBatch = 1000
    private static let comfortableBatch = 100
    private static let gatherTime: Duration = .milliseconds(2)

    init(store: Store, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Queues one result for the next write.
    func submit(_ result: AttemptResult) {
        buffer.append(result)
        waiter?.resume()
        waiter = nil
    }

    /// Asks the writer to stop once everything submitted has been written.
    func finish() {
        finishing = true
        waiter?.resume()
        waiter = nil
    }

    /// Writes batches until `finish()` and an empty buffer. A failed write is retried, never dropped:
    /// the claims stay valid for the lease, and after it the deliveries are simply attempted again.
    func run() async {
        while true {
            if buffer.isEmpty {
                if finishing { return }
                await withCheckedContinuation { waiter = $0 }
                continue
            }
            if buffer.count < Self.comfortableBatch && !finishing {
                // A moment for more results to arrive: every write commits, and a commit costs about as
                // much as writing dozens of rows. Recording later changes nothing that is sent.
                try? await Task.sleep(for: Self.gatherTime)
            }
            let batch = Array(buffer.prefix(Self.maximumBatch))
            buffer.removeFirst(batch.count)
            await write(batch)
        }
    }

    private func write(_ batch: [AttemptResult]) async {
        var delay: Duration = .milliseconds(50)
        while true {
            do {
                let changes = try await store.record(batch, noticeOfPause: Notices.paused)
                for change in changes {
                    logger.info(
                        "integration status changed",
                        metadata: ["integration": "\(change.integrationID)", "status": "\(change.health.status.rawValue)"]
                    )
                }
                EngineMetrics.recorded(batch)
                return
            } catch {
                // Cancelled means the process is going away: the claims lapse and the deliveries are tried again.
                if Task.isCancelled { return }
                logger.error("recording attempts failed; retrying", metadata: ["error": "\(error)", "attempts": "\(batch.count)"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }
}
