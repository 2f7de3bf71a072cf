import Foundation
import NIOCore

/// The dispatcher's local bookkeeping: per integration, attempts running and claimed deliveries
/// waiting for a slot. A pure value, so the scheduling rules are testable without a network.
///
/// Slots are shared fairly per workspace, then per integration: the workspaces that have work here run at most an
/// equal part each of `maxRunning` less a reserve (a quarter), and hold at most an equal part of `maxWaiting` waiting,
/// so that a tenant with hundreds of slow endpoints cannot take the slots of the others. The reserve is what a
/// workspace that starts sending finds free at once: slots held by attempts that hang free only at their timeout.
/// A quarter: with an eighth (64 of 512 slots), nine tenants arriving beside one whose 448 attempts hung kept 0.75
/// of their throughput for the first 15 s (BENCHMARKS.md, tenant fairness). Workspaces take turns, and within one
/// its integrations do.
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
    /// The workspace of each integration with attempts running or deliveries waiting.
    private(set) var workspaceOf: [String: String] = [:]
    /// Per workspace, attempts running and deliveries waiting.
    private(set) var runningIn: [String: Int] = [:]
    private(set) var waitingIn: [String: Int] = [:]
    /// Which workspace goes first in the next `startable`, so that none is always last when slots are scarce.
    private var turn = 0

    init(share: Int, maxRunning: Int, allowance: Int, depth: Int? = nil, maxWaiting: Int? = nil) {
        self.share = share
        self.maxRunning = maxRunning
        self.allowance = allowance
        self.depth = depth ?? share
        self.maxWaiting = maxWaiting ?? maxRunning
    }

    /// Integrations to leave out of the next claim: their queue is at least half full, or their workspace's is full.
    var excluded: Set<String> {
        let active = activeWorkspaces
        return Set(waiting.filter { $0.value.count * 2 >= depth || workspaceRoom(for: workspaceOf[$0.key] ?? "", active: active) <= 0 }.keys)
    }

    /// Workspaces with attempts running or deliveries waiting here.
    var activeWorkspaces: Int { Set(runningIn.keys).union(waitingIn.keys).count }

    /// Attempts one workspace may run at once: an equal part of `maxRunning` less `reserve` among the workspaces with
    /// work, counting `workspace` among them.
    func runningCap(for workspace: String) -> Int {
        runningCap(for: workspace, active: activeWorkspaces)
    }

    private func runningCap(for workspace: String, active: Int) -> Int {
        Self.part(of: maxRunning - reserve, among: active + (runningIn[workspace] == nil && waitingIn[workspace] == nil ? 1 : 0))
    }

    /// Slots no workspace may take while others run: free at once for a workspace that starts sending.
    var reserve: Int { maxRunning > 1 ? max(1, maxRunning / 4) : 0 }

    /// How many more deliveries of `workspace` may wait: an equal part of `maxWaiting` once several workspaces have
    /// work, less what waits already (alone, only the integrations' depth and the claims bound it).
    func workspaceRoom(for workspace: String) -> Int {
        workspaceRoom(for: workspace, active: activeWorkspaces)
    }

    /// The room of each workspace with deliveries waiting, and of one with none yet: what claims and ingest may bring.
    func workspaceRooms() -> (known: [String: Int], newcomer: Int) {
        let active = activeWorkspaces
        return (waitingIn.keys.reduce(into: [:]) { $0[$1] = workspaceRoom(for: $1, active: active) }, waitingRoom(sharing: active + 1, waiting: 0))
    }

    /// The same, with `activeWorkspaces` counted once by the caller.
    private func workspaceRoom(for workspace: String, active: Int) -> Int {
        waitingRoom(sharing: active + (runningIn[workspace] == nil && waitingIn[workspace] == nil ? 1 : 0), waiting: waitingIn[workspace] ?? 0)
    }

    private func waitingRoom(sharing: Int, waiting: Int) -> Int {
        sharing > 1 ? Self.part(of: maxWaiting, among: sharing) - waiting : .max
    }

    private static func part(of total: Int, among count: Int) -> Int {
        max(1, (total + max(1, count) - 1) / max(1, count))
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
    mutating func enqueue(_ items: [Item], workspace: (Item) -> String = { _ in "" }, integration: (Item) -> String) -> [Item] {
        var overflow: [Item] = []
        // Counted once, and kept up to date as workspaces join: this runs for every claimed delivery.
        var active = activeWorkspaces
        for item in items {
            let (id, owner) = (integration(item), workspace(item))
            if waiting[id, default: []].count < depth && workspaceRoom(for: owner, active: active) > 0 {
                if runningIn[owner] == nil && waitingIn[owner] == nil { active += 1 }
                waiting[id, default: []].append(item)
                workspaceOf[id] = owner
                waitingIn[owner, default: 0] += 1
                totalWaiting += 1
            } else {
                overflow.append(item)
            }
        }
        return overflow
    }

    /// Takes the items that may start now, oldest first per integration: workspaces in turn, each up to its running
    /// cap, and within a workspace one item per integration per round.
    mutating func startable() -> [(integration: String, item: Item)] {
        var started: [(String, Item)] = []
        let byWorkspace = Dictionary(grouping: waiting.keys.sorted()) { workspaceOf[$0] ?? "" }
        var workspaces = byWorkspace.keys.sorted()
        guard !workspaces.isEmpty else { return [] }
        turn = (turn + 1) % workspaces.count
        workspaces = Array(workspaces[turn...] + workspaces[..<turn])
        // Fixed for the whole pass: what a workspace may run does not shrink because another one started.
        let active = activeWorkspaces
        let caps = workspaces.map { runningCap(for: $0, active: active) }
        var progress = true
        while progress && totalRunning < maxRunning {
            progress = false
            for (workspace, cap) in zip(workspaces, caps) {
                for id in byWorkspace[workspace] ?? [] where totalRunning < maxRunning && running[id, default: 0] < share {
                    guard runningIn[workspace, default: 0] < cap else { break }
                    // Taken in place: a queue copied out of the dictionary would be copied whole on every take.
                    guard let item = waiting[id]?.popFirst() else { continue }
                    if waiting[id]?.isEmpty == true { waiting[id] = nil }
                    started.append((id, item))
                    running[id, default: 0] += 1
                    runningIn[workspace, default: 0] += 1
                    waitingIn[workspace, default: 0] -= 1
                    if waitingIn[workspace] == 0 { waitingIn[workspace] = nil }
                    totalRunning += 1
                    totalWaiting -= 1
                    progress = true
                }
            }
        }
        return started
    }

    /// Records that an attempt of `integration` finished.
    mutating func finished(_ integration: String) {
        guard let count = running[integration] else { return }
        running[integration] = count > 1 ? count - 1 : nil
        totalRunning -= 1
        let workspace = workspaceOf[integration] ?? ""
        let left = runningIn[workspace, default: 1] - 1
        runningIn[workspace] = left > 0 ? left : nil
        forgetIfIdle(integration)
    }

    /// Removes the waiting items of one integration (paused or deleted meanwhile); returns how many.
    mutating func dropWaiting(of integration: String) -> Int {
        let dropped = waiting.removeValue(forKey: integration)?.count ?? 0
        totalWaiting -= dropped
        let workspace = workspaceOf[integration] ?? ""
        let left = waitingIn[workspace, default: 0] - dropped
        waitingIn[workspace] = left > 0 ? left : nil
        forgetIfIdle(integration)
        return dropped
    }

    /// Removes and returns what workspaces hold waiting beyond their part of `maxWaiting`, newest first, to be
    /// released: a workspace that queued much while alone must not keep the others' part of the waiting room when
    /// they arrive (claims ask only for what the overall bound leaves).
    mutating func surplus() -> [Item] {
        guard activeWorkspaces > 1 else { return [] }
        let part = Self.part(of: maxWaiting, among: activeWorkspaces)
        var surplus: [Item] = []
        for (workspace, count) in waitingIn where count > part {
            var excess = count - part
            for id in waiting.keys.sorted(by: >) where workspaceOf[id] == workspace && excess > 0 {
                while excess > 0, let item = waiting[id]?.popLast() {
                    surplus.append(item)
                    excess -= 1
                }
                if waiting[id]?.isEmpty == true { waiting[id] = nil }
                forgetIfIdle(id)
            }
            waitingIn[workspace] = part + excess
            totalWaiting -= count - part - excess
        }
        return surplus
    }

    /// Removes and returns every waiting item, e.g. at shutdown, so that their claims can be released.
    mutating func drainWaiting() -> [Item] {
        let items = waiting.values.flatMap { $0 }
        waiting = [:]
        totalWaiting = 0
        waitingIn = [:]
        workspaceOf = workspaceOf.filter { running[$0.key] != nil }
        return items
    }

    private mutating func forgetIfIdle(_ integration: String) {
        if running[integration] == nil && waiting[integration] == nil { workspaceOf[integration] = nil }
    }
}
