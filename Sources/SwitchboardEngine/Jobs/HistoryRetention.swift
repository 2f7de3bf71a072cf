import Foundation
import Logging
import ServiceLifecycle
import SwitchboardStore

/// Keeps the delivery history for `days` and no longer (SPEC §9: the log keeps history "as long as the workspace
/// retention says"): every `interval`, one of the processes sharing the database removes finished deliveries, their
/// attempts and their events older than that, with old notifications and finished jobs (`Store.pruneHistory`). Pending
/// deliveries stay, however old.
public struct HistoryRetention: Service {
    let store: Store
    let days: Int
    let interval: Duration
    let logger: Logger

    /// The wait between the store's transactions (of 500 rows) that lets ingest and recording in.
    static let pause: Duration = .milliseconds(10)

    public init(store: Store, days: Int, interval: Duration = .seconds(3600), logger: Logger) {
        self.store = store
        self.days = days
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await store.runPeriodically("history retention", every: interval, logger: logger) { await prune() }
    }

    /// Removes what is older than the retention at `now`; nil if the store failed (logged; the next period tries again).
    @discardableResult
    public func prune(now: Date = Date()) async -> PrunedHistory? {
        let cutoff = now.addingTimeInterval(-TimeInterval(days) * 86_400)
        do {
            let pruned = try await store.pruneHistory(before: cutoff, pause: Self.pause)
            if pruned != PrunedHistory() {
                logger.info(
                    "pruned history",
                    metadata: [
                        "retention_days": "\(days)", "deliveries": "\(pruned.deliveries)", "attempts": "\(pruned.attempts)",
                        "events": "\(pruned.events)", "notifications": "\(pruned.notifications)", "jobs": "\(pruned.jobs)",
                    ]
                )
            }
            return pruned
        } catch is CancellationError {
            // Shutting down mid-pass: the next period continues where this one stopped.
            return nil
        } catch {
            logger.warning("pruning history failed", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
