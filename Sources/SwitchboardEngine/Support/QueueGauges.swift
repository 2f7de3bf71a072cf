import Metrics

/// The delivery queue's gauges, set from a store reading (when `/metrics` is scraped).
public enum QueueGauges {
    static let depth = Gauge(label: "switchboard_pending_deliveries")
    static let oldestPendingAge = Gauge(label: "switchboard_oldest_pending_delivery_age_seconds")

    /// Records the number of pending deliveries and how overdue the oldest due one is.
    public static func update(pending: Int, oldestDueAge: Double) {
        depth.record(pending)
        oldestPendingAge.record(oldestDueAge)
    }
}
