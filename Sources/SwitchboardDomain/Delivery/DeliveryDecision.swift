import Foundation

/// What happens to a delivery after an attempt: the pure rule behind the recorder.
public enum DeliveryDecision: Sendable, Equatable {
    /// A 2xx: done.
    case succeeded
    /// Try again at the given time.
    case retry(at: Date)
    /// No attempts left (or 410 Gone): the delivery is `failed`.
    case failed

    /// Decides from the outcome, the number of consecutive failures before it, and the schedule.
    public static func after(
        _ outcome: AttemptOutcome,
        previousFailures: Int,
        schedule: RetrySchedule,
        now: Date,
        random: Double = Double.random(in: -1...1)
    ) -> DeliveryDecision {
        if outcome.succeeded { return .succeeded }
        if outcome.endpointGone { return .failed }
        guard let delay = schedule.delay(afterFailures: previousFailures + 1, retryAfter: outcome.retryAfter, random: random) else {
            return .failed
        }
        return .retry(at: now.addingTimeInterval(delay))
    }

    /// The delivery status this decision leaves.
    public var status: DeliveryStatus {
        switch self {
        case .succeeded: .succeeded
        case .retry: .pending
        case .failed: .failed
        }
    }
}
