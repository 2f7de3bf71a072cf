import Foundation
import SwitchboardDomain
import SwitchboardStore
import Synchronization

/// The in-process channel from ingest to this process's dispatcher: a wake-up, so that new deliveries go
/// out at once instead of at the next poll, and the bodies of freshly stored events, so that sending them
/// needs no read back from the store. Other processes find the same deliveries by polling and read the
/// bodies from the store; both ways give the same bytes.
public final class LocalDispatch: Sendable {
    let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    let bodies: BodyCache

    /// A channel keeping at most `cacheBytes` of event bodies, oldest dropped first.
    public init(cacheBytes: Int = 32 << 20) {
        // Only the newest signal is kept: one wake-up covers any number of events.
        (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        bodies = BodyCache(capacityBytes: cacheBytes)
    }

    /// Signals that deliveries are due.
    public func wake() {
        continuation.yield()
    }

    /// Keeps the webhook bodies of the events just stored with deliveries, then wakes the dispatcher.
    ///
    /// `broadcast.ended` is left out: its stored data carries the summary computed by the store.
    public func ingested(_ events: [InboundEvent], results: [IngestedEvent]) {
        var fresh = false
        for (event, result) in zip(events, results) where !result.duplicate && result.deliveries > 0 {
            fresh = true
            guard event.type != .broadcastEnded else { continue }
            bodies.insert(WebhookPayload.body(type: event.type.outbound, occurredAt: event.occurredAt, data: event.data), for: result.id)
        }
        if fresh { wake() }
    }
}

/// Event bodies by event id, bounded in bytes; the oldest go first.
final class BodyCache: Sendable {
    private struct State {
        var bodies: [String: [UInt8]] = [:]
        var order: [String] = []
        var head = 0
        var bytes = 0
    }
    private let state = Mutex(State())
    private let capacityBytes: Int

    init(capacityBytes: Int) {
        self.capacityBytes = capacityBytes
    }

    func insert(_ body: [UInt8], for eventID: String) {
        guard body.count <= capacityBytes else { return }
        state.withLock { state in
            guard state.bodies.updateValue(body, forKey: eventID) == nil else { return }
            state.order.append(eventID)
            state.bytes += body.count
            while state.bytes > capacityBytes, state.head < state.order.count {
                let oldest = state.order[state.head]
                state.head += 1
                state.bytes -= state.bodies.removeValue(forKey: oldest)?.count ?? 0
            }
            // Compacts the order list once its dropped prefix dominates.
            if state.head > 1024 && state.head * 2 > state.order.count {
                state.order.removeFirst(state.head)
                state.head = 0
            }
        }
    }

    /// The cached bodies among `eventIDs`.
    func bodies(for eventIDs: some Sequence<String>) -> [String: [UInt8]] {
        state.withLock { state in
            var found: [String: [UInt8]] = [:]
            for id in eventIDs {
                if let body = state.bodies[id] { found[id] = body }
            }
            return found
        }
    }
}
