import Foundation
import SwitchboardDomain

/// How a worker claims and sends deliveries.
public struct DispatcherConfiguration: Sendable {
    /// Names this worker in claim tokens and logs.
    public var workerID: String
    /// Deliveries claimed per query.
    public var batchSize: Int
    /// Attempts in flight at once, over all integrations.
    public var maxInFlight: Int
    /// Attempts in flight at once to one integration, so that a slow endpoint holds at most this many slots.
    public var maxInFlightPerIntegration: Int
    /// How long a claim lasts: longer than the attempt timeout, so a live worker never loses its claim.
    public var lease: TimeInterval
    /// How often an idle worker looks for due deliveries (retries come due without a wake-up).
    public var pollInterval: Duration
    /// When failed deliveries are tried again.
    public var schedule: RetrySchedule

    /// The defaults for `serve` and `worker`.
    public init(
        workerID: String = "worker-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0 ... .max))",
        batchSize: Int = 256,
        maxInFlight: Int = 512,
        maxInFlightPerIntegration: Int = 64,
        lease: TimeInterval = 60,
        pollInterval: Duration = .milliseconds(100),
        schedule: RetrySchedule = .standard
    ) {
        self.workerID = workerID
        self.batchSize = batchSize
        self.maxInFlight = maxInFlight
        self.maxInFlightPerIntegration = maxInFlightPerIntegration
        self.lease = lease
        self.pollInterval = pollInterval
        self.schedule = schedule
    }
}
