import SwitchboardDomain
import Synchronization

/// At most `limit` requests in flight per credential, whoever sends them in this process: live sync, resync,
/// validation and the selector options of every integration that holds the same key.
///
/// Mailchimp counts simultaneous connections per API key, not requests per second, and refuses the eleventh
/// with a 429. A slot is taken before a request is sent and given back once its answer has arrived, so the
/// provider never counts more open requests than Switchboard does. Processes sharing a database (`serve` and
/// `worker`) each have their own gate: run one process that syncs contacts, or lower the limit per process.
final class ConnectionGate: Sendable {
    let limit: Int
    private let slots = Mutex<[String: Slots]>([:])

    private struct Slots {
        var open = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    init(limit: Int) {
        precondition(limit > 0, "a gate lets at least one request through")
        self.limit = limit
    }

    /// Runs `body` holding one of the credential's slots, waiting for one when all are taken.
    func withSlot<T>(for credential: String, _ body: () async throws(ProviderFailure) -> T) async throws(ProviderFailure) -> T {
        // Keys are held by their hash: the gate outlives the calls that opened the credentials.
        let key = SecretToken.hash(credential)
        await take(key)
        defer { give(key) }
        return try await body()
    }

    /// Requests of the credential in flight now (for tests).
    func open(for credential: String) -> Int {
        slots.withLock { $0[SecretToken.hash(credential)]?.open ?? 0 }
    }

    private func take(_ key: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let admitted = slots.withLock { slots -> Bool in
                if slots[key, default: Slots()].open < limit {
                    slots[key, default: Slots()].open += 1
                    return true
                }
                slots[key, default: Slots()].waiting.append(continuation)
                return false
            }
            if admitted { continuation.resume() }
        }
    }

    /// Frees a slot, or hands it straight to the first waiter.
    private func give(_ key: String) {
        let next = slots.withLock { slots -> CheckedContinuation<Void, Never>? in
            if slots[key]?.waiting.isEmpty == false { return slots[key]?.waiting.removeFirst() }
            slots[key]?.open -= 1
            return nil
        }
        next?.resume()
    }
}
