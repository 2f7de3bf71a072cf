/// Where a delivery stands (SPEC §9, `GET /v1/deliveries?status=`).
public enum DeliveryStatus: String, Codable, Sendable, CaseIterable {
    /// Waiting for its first or next attempt.
    case pending
    /// A 2xx was received.
    case succeeded
    /// Every scheduled attempt failed, or the endpoint answered 410 Gone.
    case failed
    /// The integration was paused when the event happened; it can be replayed after resuming.
    case skipped
    /// The integration was deleted before the delivery was made.
    case cancelled
}
