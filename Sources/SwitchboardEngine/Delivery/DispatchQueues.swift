import Foundation
import NIOCore

/// The dispatcher's local bookkeeping: per integration, attempts running and claimed deliveries
/// waiting for a slot. A pure value, so the scheduling rules are testable without a network.
///
/// Rules: at most `share` attempts run per integration and `maxRunning` overall; at most `depth`
/// deliveries wait per integration, and claims bring at most `maxWaiting` overall (a deep queue keeps attempts going while
/// the store is busy, e.g. with a large ingest; the dispatcher hands back what waited too long for its
/// lease); an integration whose queue is at least half full is left out of claims, and a claim asks
/// only for what the known queues can hold plus an allowance for integrations not seen yet.
struct DispatchQueues<Item: Sendable>: Sendable {
    let share: Int
    let maxRunning: Int
    let depth: Int
    let maxWaiting: Int
    /// How many deliveries of integrations not yet in the queues a claim may bring.
    let allowance: Int

    private(set) var running: [String: Int] = [:]
    /// Ring buffers: taking the oldest is O(1) and never copies the rest of the queue.
    private(set) var waiting: [String: CircularBuffer<Item>] = [:]
    private(set) var totalRunning = 0
    private(set) var totalWaiting = 0

    init(share: Int, maxRunning: Int, allowance: Int, depth: Int? = nil, maxWaiting: Int? = nil) {
        self.share = share
        self.maxRunning = maxRunning
        self.allowance = allowance
        self.depth = depth ?? share
        self.maxWaiting = maxWaiting ?? maxRunning
    }

    /// Integrations to leave out of the next claim: their queue is at least half full.
    var excluded: Set<String> {
        Set(waiting.filter { $0.value.count * 2 >= depth }.keys)
    }

    /// How many more deliveries of `integration` may wait.
    func room(for integration: String) -> Int {
        depth - (waiting[integration]?.count ?? 0)
    }

    /// How many deliveries the next claim should ask for (0: do not claim).
    func claimLimit(batchSize: Int) -> Int {
        let room = waiting.reduce(0) { sum, entry in entry.value.count * 2 >= depth ? sum : sum + depth - entry.value.count }
        let knownIdle = running.keys.filter { waiting[$0] == nil }.count * depth
        return max(0, min(batchSize, maxRunning - totalRunning + maxWaiting - totalWaiting, room + knownIdle + allowance))
    }

    /// Queues claimed items; returns those that do not fit, to be released at once.
    mutating func enqueue(_ items: [Item], integration: (Item) -> String) -> [Item] {
        var overflow: [Item] = []
        for item in items {
            let id = integration(item)
            if waiting[id, default: []].count < depth {
                waiting[id, default: []].append(item)
                totalWaiting += 1
            } else {
                overflow.append(item)
            }
        }
        return overflow
    }

    /// Takes the items that may start now, oldest first per integration, round-robin across integrations.
    mutating func startable() -> [(integration: String, item: Item)] {
        var started: [(String, Item)] = []
        var progress = true
        let integrations = waiting.keys.sorted()
        while progress && totalRunning < maxRunning {
            progress = false
            for id in integrations where totalRunning < maxRunning && running[id, default: 0] < share {
                // Taken in place: a queue copied out of the dictionary would be copied whole on every take.
                guard let item = waiting[id]?.popFirst() else { continue }
                if waiting[id]?.isEmpty == true { waiting[id] = nil }
                started.append((id, item))
                running[id, default: 0] += 1
                totalRunning += 1
                totalWaiting -= 1
                progress = true
            }
        }
        return started
    }

    /// Records that an attempt of `integration` finished.
    mutating func finished(_ integration: String) {
        guard let count = running[integration] else { return }
        running[integration] = count > 1 ? count - 1 : nil
        totalRunning -= 1
    }

    /// Removes the waiting items of one integration (paused or deleted meanwhile); returns how many.
    mutating func dropWaiting(of integration: String) -> Int {
        let dropped = waiting.removeValue(forKey: integration)?.count ?? 0
        totalWaiting -= dropped
        return dropped
    }

    /// Removes and returns every waiting item, e.g. at shutdown, so that their claims can be released.
    mutating func drainWaiting() -> [Item] {
        let items = waiting.values.flatMap { $0 }
        waiting = [:]
        totalWaiting = 0
        return items
    }
}
