import SwitchboardDomain
import Synchronization

/// Live contacts riding along in a running resync's batch calls.
///
/// While a resync of an integration runs, it sends full batches of contacts as fast as the provider's rate limit
/// allows, and every call live sync makes for the same integration comes out of that limit. A live batch
/// upsert would cost a whole request for a few contacts; instead, live sync boards here, the resync's next
/// batch carries the boarded contacts in place of some of its own, and hands their answer back. A boarded
/// batch waits for one resync call at most; when no resync of the integration runs in this process (or it
/// runs with other settings), `ride` answers nil at once and live sync calls on its own.
final class ResyncLane<Answer: Sendable>: Sendable {
    /// A live batch waiting for a seat: its contacts, and who waits for their answer.
    struct Passenger: Sendable {
        let contacts: [Contact]
        let answer: CheckedContinuation<Answer?, Never>
    }

    private struct Lane {
        let settings: JSONValue
        var waiting: [Passenger] = []
    }

    private let lanes = Mutex<[String: Lane]>([:])

    /// A resync of the integration, with these settings, starts taking passengers.
    func open(_ integrationID: String, settings: JSONValue) {
        lanes.withLock { $0[integrationID] = Lane(settings: settings) }
    }

    /// The resync takes no more passengers; those still waiting are told to call on their own.
    func close(_ integrationID: String) {
        let left = lanes.withLock { $0.removeValue(forKey: integrationID)?.waiting ?? [] }
        for passenger in left { passenger.answer.resume(returning: nil) }
    }

    /// Boards a live batch and waits for the resync call that carries it; nil when no resync of the
    /// integration with the same settings takes passengers.
    func ride(_ contacts: [Contact], integrationID: String, settings: JSONValue) async -> Answer? {
        await withCheckedContinuation { continuation in
            let boarded = lanes.withLock { lanes in
                guard lanes[integrationID]?.settings == settings else { return false }
                lanes[integrationID]?.waiting.append(Passenger(contacts: contacts, answer: continuation))
                return true
            }
            if !boarded { continuation.resume(returning: nil) }
        }
    }

    /// The passengers that fit in `seats` contacts, in the order they boarded; the resync answers each.
    func board(_ integrationID: String, seats: Int) -> [Passenger] {
        lanes.withLock { lanes in
            guard var lane = lanes[integrationID] else { return [] }
            var taken: [Passenger] = []
            var free = seats
            while let next = lane.waiting.first, next.contacts.count <= free {
                taken.append(lane.waiting.removeFirst())
                free -= next.contacts.count
            }
            lanes[integrationID] = lane
            return taken
        }
    }
}
