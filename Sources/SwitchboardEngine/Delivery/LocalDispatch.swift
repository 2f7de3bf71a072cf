import Foundation
import SwitchboardDomain
import SwitchboardStore
import Synchronization

/// The in-process channel from ingest to this process's dispatcher.
///
/// Ingest through it (`ingest`) claims new deliveries for the local worker in the same transaction that
/// stores them, as far as the worker's queues have room, and hands them over in memory: no claim query,
/// no read back of the event, since the rendered body comes along in a bounded cache. What the worker
/// cannot take stays due in the store for any worker's claims; a wake-up sends it there at once. Other
/// processes find the same deliveries by polling and read the bodies from the store; both ways give the
/// same bytes.
public final class LocalDispatch: Sendable {
    let wakeUps: AsyncStream<Void>
    private let wakeUpContinuation: AsyncStream<Void>.Continuation
    let handOffs: AsyncStream<HandOff>
    private let handOffContinuation: AsyncStream<HandOff>.Continuation
    let bodies: BodyCache
    private let state = Mutex(State())

    private struct State {
        /// The local worker, while one runs.
        var worker: Worker?
        /// Deliveries claimed at ingest and not yet taken by the worker, per integration.
        var handedOff: [String: Int] = [:]
        /// How many more each integration's queue can take, as the worker last said.
        var room: [String: Int] = [:]
        /// Deliveries claimed at ingest and not yet taken by the worker, per workspace.
        var handedOffIn: [String: Int] = [:]
        /// How many more each workspace may have waiting, and one with nothing waiting yet.
        var workspaceRoom: [String: Int] = [:]
        var newWorkspaceRoom = Int.max
    }

    /// Deliveries claimed at ingest, with the versions of their integrations that the ingest's transaction read.
    struct HandOff {
        let deliveries: [Delivery]
        let integrationVersions: [String: Int64]
    }

    struct Worker {
        let token: String
        let lease: TimeInterval
        /// Room of an integration the worker has not queued anything for.
        let defaultRoom: Int
    }

    /// A channel keeping at most `cacheBytes` of event bodies, oldest dropped first. 8 MB holds several seconds of
    /// events at 1,000 a second, which is as long as a handed-over delivery waits for its attempt; a backlog beyond
    /// that reads its bodies from the store either way (32 MB delivered no faster and cost RSS).
    public init(cacheBytes: Int = 8 << 20) {
        // Only the newest wake-up is kept: one covers any number of events.
        (wakeUps, wakeUpContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        (handOffs, handOffContinuation) = AsyncStream.makeStream(of: HandOff.self)
        bodies = BodyCache(capacityBytes: cacheBytes)
    }

    /// Signals that deliveries are due.
    public func wake() {
        wakeUpContinuation.yield()
    }

    /// Stores events in `store` and hands what the local worker can take straight to it.
    public func ingest(_ events: [InboundEvent], workspaceID: String, into store: Store, receivedAt: Date = Date()) async throws -> [IngestedEvent] {
        let tally = Mutex([String: Int]())
        let claim = state.withLock { state in
            state.worker.map { worker in
                IngestClaim(token: worker.token, leaseEnds: receivedAt.addingTimeInterval(worker.lease)) { [self] integrationID in
                    let accepted = reserve(integrationID, of: workspaceID)
                    if accepted { tally.withLock { $0[integrationID, default: 0] += 1 } }
                    return accepted
                }
            }
        }
        let result: IngestResult
        do {
            result = try await store.ingest(workspaceID: workspaceID, events: events, receivedAt: receivedAt, claim: claim)
        } catch {
            // Nothing was stored, so nothing is coming: give the room back.
            unreserve(tally.withLock { $0 }, of: workspaceID)
            throw error
        }
        ingested(events, results: result.events, dataJSON: result.dataJSON)
        if !result.claimed.isEmpty {
            handOffContinuation.yield(HandOff(deliveries: result.claimed, integrationVersions: result.integrationVersions))
        }
        return result.events
    }

    /// Keeps the webhook bodies of the events just stored with deliveries, built around their data as stored
    /// (`dataJSON`, by event id: for a `broadcast.ended`, with the summary the store computed), then wakes the
    /// dispatcher.
    func ingested(_ events: [InboundEvent], results: [IngestedEvent], dataJSON: [String: String]) {
        var fresh = false
        for (event, result) in zip(events, results) where !result.duplicate && result.deliveries > 0 {
            fresh = true
            guard let json = dataJSON[result.id] else { continue }
            bodies.insert(WebhookPayload.body(type: event.type.outbound, occurredAt: event.occurredAt, dataJSON: json), for: result.id)
        }
        if fresh { wake() }
    }

    // MARK: The worker's side

    /// Called by the dispatcher when it starts: ingest may claim for it from now on.
    func attach(token: String, lease: TimeInterval, defaultRoom: Int) {
        state.withLock { $0.worker = Worker(token: token, lease: lease, defaultRoom: defaultRoom) }
    }

    /// Called by the dispatcher when it stops: ingest leaves everything to claims.
    func detach() {
        state.withLock { $0.worker = nil }
    }

    /// The dispatcher's current room per integration and per workspace (those not listed have the default room of
    /// an integration, and `newWorkspaceRoom`).
    func publish(room: [String: Int], workspaceRoom: [String: Int] = [:], newWorkspaceRoom: Int = .max) {
        state.withLock { state in
            state.room = room
            state.workspaceRoom = workspaceRoom
            state.newWorkspaceRoom = newWorkspaceRoom
        }
    }

    /// The dispatcher took these handed-off deliveries into its queues.
    func received(_ deliveries: [Delivery]) {
        for (workspaceID, ofWorkspace) in Dictionary(grouping: deliveries, by: \.workspaceId) {
            unreserve(Dictionary(ofWorkspace.map { ($0.integrationId, 1) }, uniquingKeysWith: +), of: workspaceID)
        }
    }

    private func reserve(_ integrationID: String, of workspaceID: String) -> Bool {
        state.withLock { state in
            guard let worker = state.worker else { return false }
            let taken = state.handedOff[integrationID, default: 0]
            guard taken < state.room[integrationID, default: worker.defaultRoom] else { return false }
            // A workspace's share of the worker's waiting room, so that one tenant's fan-out cannot fill it.
            let takenIn = state.handedOffIn[workspaceID, default: 0]
            guard takenIn < state.workspaceRoom[workspaceID, default: state.newWorkspaceRoom] else { return false }
            state.handedOff[integrationID] = taken + 1
            state.handedOffIn[workspaceID] = takenIn + 1
            return true
        }
    }

    private func unreserve(_ counts: [String: Int], of workspaceID: String) {
        guard !counts.isEmpty else { return }
        state.withLock { state in
            for (integrationID, count) in counts {
                let left = state.handedOff[integrationID, default: 0] - count
                state.handedOff[integrationID] = left > 0 ? left : nil
            }
            let leftIn = state.handedOffIn[workspaceID, default: 0] - counts.values.reduce(0, +)
            state.handedOffIn[workspaceID] = leftIn > 0 ? leftIn : nil
        }
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
