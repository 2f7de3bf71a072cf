/// Lets ingest tell the local dispatcher that new deliveries are due, so that they go out at once
/// instead of at the next poll. Other processes find them by polling.
public final class DispatcherWakeUp: Sendable {
    let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    /// A wake-up channel; only the newest signal is kept, since one wake-up covers any number of events.
    public init() {
        (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Signals that deliveries are due.
    public func wake() {
        continuation.yield()
    }
}
