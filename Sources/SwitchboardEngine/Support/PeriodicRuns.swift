import Foundation
import Logging
import ServiceLifecycle
import SwitchboardStore

extension Store {
    /// Runs `task` every `interval` until the service group shuts down, in one of the processes sharing this store each
    /// period (`claimPeriodicRun`). The first run is one interval after the start.
    func runPeriodically(_ name: String, every interval: Duration, logger: Logger, _ task: @escaping @Sendable () async -> Void) async {
        // The wait is long (an hour by default): a graceful shutdown cancels it instead of waiting it out, which
        // kept `serve` from stopping on SIGTERM.
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                // The period is taken a little short, so that a timer that fires a moment early does not skip a whole period.
                do {
                    guard try await claimPeriodicRun(name, every: interval * 0.9) else { continue }
                } catch {
                    logger.warning("\(name) could not check when it last ran", metadata: ["error": "\(error)"])
                    continue
                }
                await task()
            }
        }
    }
}
