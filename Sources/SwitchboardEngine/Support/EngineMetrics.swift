import Metrics
import SwitchboardDomain
import SwitchboardStore

/// The engine's metrics, exported by `/metrics` through whichever backend the process bootstraps.
enum EngineMetrics {
    static let attemptDuration = Metrics.Timer(label: "switchboard_attempt_duration_seconds", preferredDisplayUnit: .seconds)

    static let succeeded = Counter(label: "switchboard_deliveries_total", dimensions: [("outcome", "succeeded")])
    static let retrying = Counter(label: "switchboard_deliveries_total", dimensions: [("outcome", "retrying")])
    static let failed = Counter(label: "switchboard_deliveries_total", dimensions: [("outcome", "failed")])
    static let deferred = Counter(label: "switchboard_deliveries_total", dimensions: [("outcome", "deferred")])

    static func recorded(_ batch: [AttemptResult]) {
        for result in batch {
            switch result.decision {
            case .succeeded: succeeded.increment()
            case .retry: retrying.increment()
            case .failed: failed.increment()
            case .deferred: deferred.increment()
            }
            attemptDuration.recordMilliseconds(result.outcome.durationMilliseconds)
        }
    }
}
