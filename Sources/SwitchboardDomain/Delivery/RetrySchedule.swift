import Foundation

/// When a failed delivery is tried again (SPEC §5): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then it is `failed`.
public struct RetrySchedule: Sendable {
    /// The waits after the 1st, 2nd, … failure.
    public let delays: [TimeInterval]
    /// The largest fraction of a delay added or removed at random, so that retries of a burst spread out.
    public let jitter: Double

    /// The schedule of the specification.
    public static let standard = RetrySchedule(delays: [5, 300, 1800, 7200, 18000, 36000, 36000], jitter: 0.1)

    /// A schedule; `scaled(by:)` makes a fast one for tests and demos.
    public init(delays: [TimeInterval], jitter: Double) {
        self.delays = delays
        self.jitter = jitter
    }

    /// The same schedule with every delay multiplied by `factor`.
    public func scaled(by factor: Double) -> RetrySchedule {
        RetrySchedule(delays: delays.map { $0 * factor }, jitter: jitter)
    }

    /// How many attempts a delivery gets in all: the first and one per delay.
    public var maximumAttempts: Int { delays.count + 1 }

    /// The wait before the next attempt after `failures` consecutive failures, or nil when the delivery is exhausted.
    ///
    /// A `Retry-After` from a 429/503 is honoured when it asks for longer than the schedule would wait.
    public func delay(afterFailures failures: Int, retryAfter: TimeInterval? = nil, random: Double = Double.random(in: -1...1)) -> TimeInterval? {
        guard failures >= 1, failures <= delays.count else { return nil }
        let base = delays[failures - 1]
        let jittered = base * (1 + jitter * max(-1, min(1, random)))
        guard let retryAfter else { return jittered }
        return max(jittered, retryAfter)
    }
}
