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
    /// Claimed deliveries that may wait per integration, as multiples of its share: a deep queue keeps
    /// attempts going while the store is busy.
    public var queueDepth: Int
    /// How long a claim lasts: longer than the attempt timeout, so a live worker never loses its claim.
    public var lease: TimeInterval
    /// The longest an attempt may take (the sender's timeout).
    public var attemptTimeout: TimeInterval
    /// How often an idle worker looks for due deliveries (retries come due without a wake-up).
    public var pollInterval: Duration
    /// How often the worker checks that the integrations it has deliveries queued for are still active, so that
    /// a pause or a delete (by any process) stops what is queued here within about this long.
    public var statusCheckInterval: Duration = .seconds(1)
    /// When failed deliveries are tried again.
    public var schedule: RetrySchedule

    /// The defaults for `serve` and `worker`.
    public init(
        workerID: String = "worker-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0 ... .max))",
        batchSize: Int = 256,
        maxInFlight: Int = 512,
        maxInFlightPerIntegration: Int = 64,
        queueDepth: Int = 4,
        lease: TimeInterval = 60,
        attemptTimeout: TimeInterval = 15,
        pollInterval: Duration = .milliseconds(100),
        schedule: RetrySchedule = .standard
    ) {
        self.workerID = workerID
        self.batchSize = batchSize
        self.maxInFlight = maxInFlight
        self.maxInFlightPerIntegration = maxInFlightPerIntegration
        self.queueDepth = queueDepth
        self.lease = lease
        self.attemptTimeout = attemptTimeout
        self.pollInterval = pollInterval
        self.schedule = schedule
    }

    /// How long after its claim a delivery may still start: its attempt must end, with a margin, before the
    /// lease does, or another worker could take it while it is still being sent.
    public var startWindow: TimeInterval {
        max(0, lease - attemptTimeout - 2)
    }

    /// The shortest lease that leaves deliveries time to wait for a slot.
    public static let minimumLease: TimeInterval = 25
}
