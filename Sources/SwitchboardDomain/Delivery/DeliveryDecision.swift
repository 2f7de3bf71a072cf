import Foundation

/// What happens to a delivery after an attempt: the pure rule behind the recorder.
public enum DeliveryDecision: Sendable, Equatable {
    /// A 2xx: done.
    case succeeded
    /// Try again at the given time.
    case retry(at: Date)
    /// No attempts left (or 410 Gone, or data the provider can never accept): the delivery is `failed`.
    case failed
    /// Not a failure: the provider throttled (or refused, and the integration pauses). Try again at the given
    /// time without using up an attempt of the schedule.
    case deferred(until: Date)

    /// How long a throttled delivery waits when the provider does not say.
    public static let throttleWait: TimeInterval = 10

    /// Decides from the outcome, the number of consecutive failures before it, and the schedule.
    public static func after(
        _ outcome: AttemptOutcome,
        previousFailures: Int,
        schedule: RetrySchedule,
        now: Date,
        random: Double = Double.random(in: -1...1)
    ) -> DeliveryDecision {
        if outcome.succeeded { return .succeeded }
        if outcome.deferred { return .deferred(until: now.addingTimeInterval(outcome.retryAfter ?? throttleWait)) }
        if outcome.endpointGone || outcome.permanent { return .failed }
        guard let delay = schedule.delay(afterFailures: previousFailures + 1, retryAfter: outcome.retryAfter, random: random) else {
            return .failed
        }
        return .retry(at: now.addingTimeInterval(delay))
    }

    /// The delivery status this decision leaves.
    public var status: DeliveryStatus {
        switch self {
        case .succeeded: .succeeded
        case .retry, .deferred: .pending
        case .failed: .failed
        }
    }
}
