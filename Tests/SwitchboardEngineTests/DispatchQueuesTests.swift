import Testing

@testable import SwitchboardEngine

@Suite("Dispatch queues")
struct DispatchQueuesTests {
    struct Item: Sendable, Equatable {
        let integration: String
        let n: Int
    }

    func items(_ integration: String, _ count: Int) -> [Item] { (0..<count).map { Item(integration: integration, n: $0) } }

    @Test("no integration runs more than its share, and the rest waits up to one share")
    func sharePerIntegration() {
        var queues = DispatchQueues<Item>(share: 4, maxRunning: 100, allowance: 1)
        let overflow = queues.enqueue(items("slow", 10)) { $0.integration }
        #expect(overflow.count == 6, "beyond one share of waiting items, claims are handed back")
        #expect(queues.startable().count == 4)
        #expect(queues.startable().isEmpty, "the share is taken until an attempt finishes")
        #expect(queues.enqueue([Item(integration: "slow", n: 10)]) { $0.integration }.isEmpty)
        #expect(queues.startable().isEmpty, "a newly queued item waits for a free slot")
        queues.finished("slow")
        #expect(queues.startable().map(\.item.n) == [10])
    }

    @Test("a deeper queue holds more waiting deliveries per integration, up to an overall bound")
    func deepQueues() {
        var queues = DispatchQueues<Item>(share: 4, maxRunning: 8, allowance: 1, depth: 16, maxWaiting: 20)
        // Each integration in a workspace of its own: the workspaces' parts add up to the overall bound.
        #expect(queues.enqueue(items("a", 18), workspace: \.integration) { $0.integration }.count == 2, "16 wait for a")
        #expect(queues.room(for: "a") == 0)
        #expect(queues.excluded == ["a"])
        _ = queues.enqueue(items("b", 4), workspace: \.integration) { $0.integration }
        #expect(queues.claimLimit(batchSize: 100) == 8 + 0, "claims fill the overall bound: 8 to run, none more to wait")
        #expect(queues.startable().count == 6, "running is bounded by the shares, the overall limit and its reserve (a quarter)")
        #expect(queues.claimLimit(batchSize: 100) == 8, "what started left room to wait")
    }

    @Test("a claim's start window leaves the attempt time to end inside the lease")
    func startWindow() {
        #expect(DispatcherConfiguration(lease: 60, attemptTimeout: 15).startWindow == 43)
        #expect(DispatcherConfiguration(lease: DispatcherConfiguration.minimumLease, attemptTimeout: 15).startWindow > 0)
    }

    @Test("a saturated integration is left out of claims and the limit asks only for what fits")
    func claimsAvoidSaturated() {
        var queues = DispatchQueues<Item>(share: 4, maxRunning: 100, allowance: 2)
        #expect(queues.claimLimit(batchSize: 50) == 2, "unknown integrations: only the allowance")
        _ = queues.enqueue(items("a", 8)) { $0.integration }
        #expect(queues.excluded == ["a"], "a's queue is full")
        #expect(queues.claimLimit(batchSize: 50) == 2, "nothing known has room: only the allowance")
        _ = queues.startable()
        #expect(queues.excluded.isEmpty, "a runs its share and its queue has room again")
        #expect(queues.claimLimit(batchSize: 50) == 4 + 2, "one share of waiting room for a, plus the allowance")
        _ = queues.enqueue(items("b", 1)) { $0.integration }
        #expect(queues.claimLimit(batchSize: 50) == 4 + 3 + 2, "a's room, what is left of b's, and the allowance")
        #expect(queues.claimLimit(batchSize: 5) == 5, "never more than a batch")
    }

    @Test("the overall limit holds across integrations, round robin")
    func overallLimit() {
        var queues = DispatchQueues<Item>(share: 10, maxRunning: 6, allowance: 1, maxWaiting: 40)
        _ = queues.enqueue(items("a", 10) + items("b", 10), workspace: \.integration) { $0.integration }
        let started = queues.startable()
        #expect(started.count == 6)
        #expect(started.filter { $0.integration == "a" }.count == 3)
        #expect(queues.totalRunning == 6)
        #expect(queues.drainWaiting().count == 14)
        #expect(queues.totalWaiting == 0)
    }

    struct Owned: Sendable, Equatable {
        let workspace: String
        let integration: String
    }

    @Test("a workspace with many slow integrations runs at most its equal part of the slots; the others keep theirs")
    func fairPerWorkspace() {
        var queues = DispatchQueues<Owned>(share: 64, maxRunning: 100, allowance: 1, depth: 8, maxWaiting: 400)
        // One tenant with 200 integrations, each with deliveries waiting: alone, it may use every slot.
        let greedy = (0..<200).flatMap { index in Array(repeating: Owned(workspace: "wsp_big", integration: "big\(index)"), count: 2) }
        #expect(queues.enqueue(greedy, workspace: \.workspace, integration: \.integration).isEmpty)
        #expect(queues.startable().count == 75, "a workspace alone runs all but the reserve (a quarter), free for the next one at once")
        for (integration, count) in queues.running { for _ in 0..<count { queues.finished(integration) } }
        // Nine more tenants arrive: from now on the big one runs at most a tenth.
        let small = (1...9).flatMap { tenant in Array(repeating: Owned(workspace: "wsp_\(tenant)", integration: "small\(tenant)"), count: 8) }
        let overflow = queues.enqueue(small, workspace: \.workspace, integration: \.integration)
        #expect(overflow.isEmpty, "each small tenant has its part of the waiting room")
        let started = queues.startable()
        let perWorkspace = Dictionary(grouping: started, by: { $0.item.workspace }).mapValues(\.count)
        #expect(perWorkspace["wsp_big"] == 8, "a tenth of the 75 beyond the reserve, rounded up: \(perWorkspace)")
        for tenant in 1...9 { #expect(perWorkspace["wsp_\(tenant)"] == 8, "\(perWorkspace)") }
        // While the big tenant's attempts hang, it starts nothing more; a small one's finished slot is its own again.
        queues.finished("small1")
        _ = queues.enqueue([Owned(workspace: "wsp_1", integration: "small1")], workspace: \.workspace, integration: \.integration)
        #expect(queues.startable().map(\.item.workspace) == ["wsp_1"])
    }

    @Test("a workspace's waiting deliveries are capped at its part, and its integrations leave the claims when it is full")
    func waitingPerWorkspace() {
        var queues = DispatchQueues<Owned>(share: 4, maxRunning: 8, allowance: 1, depth: 100, maxWaiting: 20)
        _ = queues.enqueue([Owned(workspace: "wsp_a", integration: "a0")], workspace: \.workspace, integration: \.integration)
        _ = queues.enqueue([Owned(workspace: "wsp_b", integration: "b0")], workspace: \.workspace, integration: \.integration)
        let flood = (0..<30).map { Owned(workspace: "wsp_a", integration: "a\($0 % 3)") }
        let overflow = queues.enqueue(flood, workspace: \.workspace, integration: \.integration)
        #expect(overflow.count == 30 - 9, "half of 20 for each of two workspaces, one already waiting")
        #expect(queues.workspaceRoom(for: "wsp_a") == 0)
        #expect(queues.excluded == ["a0", "a1", "a2"], "a full workspace's integrations are left out of claims")
        #expect(queues.workspaceRoom(for: "wsp_b") == 9)
        #expect(queues.workspaceRoom(for: "wsp_new") == 7, "a third workspace would get a third")
    }

    @Test("what a workspace queued while alone beyond its part is handed back when another arrives")
    func surplusHandedBack() {
        var queues = DispatchQueues<Owned>(share: 4, maxRunning: 8, allowance: 1, depth: 100, maxWaiting: 20)
        let alone = (0..<30).map { Owned(workspace: "wsp_a", integration: "a\($0 % 3)") }
        #expect(queues.enqueue(alone, workspace: \.workspace, integration: \.integration).isEmpty, "alone, only the depth bounds it")
        #expect(queues.surplus().isEmpty)
        _ = queues.enqueue([Owned(workspace: "wsp_b", integration: "b0")], workspace: \.workspace, integration: \.integration)
        let surplus = queues.surplus()
        #expect(surplus.count == 20, "a keeps half of 20")
        #expect(surplus.allSatisfy { $0.workspace == "wsp_a" })
        #expect(queues.waitingIn["wsp_a"] == 10 && queues.totalWaiting == 11)
        #expect(queues.surplus().isEmpty, "nothing more once within its part")
        #expect(queues.startable().count == 3 + 1, "a its part of the 6 slots beyond the reserve, b its one delivery")
    }
}

/// The rate budget shared by live sync and resync.
@Suite("Request budget")
struct RequestBudgetTests {
    @Test("background work leaves a reserve, spreads out and yields to live requests; a 429 stops everyone")
    func priorities() async throws {
        // A window long against scheduling delays on a busy machine: the waits below are about 4 s.
        let budget = RequestBudget(limit: 10, window: 4, reserve: 2)
        try await budget.acquire(.background)
        #expect(budget.contended)
        // Live requests are not spread out: they fill the window at once.
        let started = ContinuousClock.now
        for _ in 0..<9 { try await budget.acquire(.live) }
        // Spread out, nine would take 3.6 s; the bound leaves a loaded machine room, not spreading.
        #expect(ContinuousClock.now - started < .seconds(1))
        // Window full: background needs three requests to leave it (its reserve), live one; live goes first.
        let order = OrderLog()
        async let background: Void = {
            try await budget.acquire(.background)
            await order.append("background")
        }()
        try await Task.sleep(for: .milliseconds(200))
        async let live: Void = {
            try await budget.acquire(.live)
            await order.append("live")
        }()
        _ = try await (background, live)
        #expect(await order.entries == ["live", "background"])
        budget.throttled(retryAfter: 0.3)
        let blocked = ContinuousClock.now
        try await budget.acquire(.live)
        #expect(ContinuousClock.now - blocked >= .milliseconds(250))
    }

    @Test("background requests are spread evenly over the window")
    func spacing() async throws {
        let budget = RequestBudget(limit: 10, window: 2)
        let started = ContinuousClock.now
        for _ in 0..<3 { try await budget.acquire(.background) }
        // 2.1 s (window and margin) / 10 between background requests.
        #expect(ContinuousClock.now - started >= .milliseconds(400))
    }

    @Test("after a pause, background work makes up at most a few missed slots at once, then keeps its spacing")
    func catchUp() async throws {
        let budget = RequestBudget(limit: 100, window: 20)  // 201 ms apart
        try await budget.acquire(.background)
        try await Task.sleep(for: .seconds(2))  // ~10 slots left unused
        let resumed = ContinuousClock.now
        // The slot that is due, and five missed ones.
        for _ in 0...RequestBudget.catchUp { try await budget.acquire(.background) }
        let burst = ContinuousClock.now - resumed
        for _ in 0..<3 { try await budget.acquire(.background) }
        // They go at once (spaced, the five missed would take 1 s; a loaded machine may take a little while); the next
        // three keep 201 ms each, however long the burst took.
        #expect(burst < .milliseconds(700))
        #expect(ContinuousClock.now - resumed >= .milliseconds(590))
    }

    @Test("an allowance below the limit holds this process to it; its demand is what it sent, or all when it waited")
    func allowance() async throws {
        let budget = RequestBudget(limit: 10, window: 2, reserve: 2)
        #expect(!budget.contended)
        budget.allow(5)
        #expect(budget.allowance == 5)
        // Another process takes part of the limit: live sync gathers more per call, as beside a resync here.
        #expect(budget.contended)
        let started = ContinuousClock.now
        for _ in 0..<4 { try await budget.acquire(.live) }
        #expect(budget.demand(within: .seconds(6)) == 4)
        try await budget.acquire(.live)
        // Waiting for the window would take 2 s.
        #expect(ContinuousClock.now - started < .seconds(1))
        // The window holds the 5 allowed: the sixth waits for the first to leave it (2.1 s), and asks for twice as many.
        try await budget.acquire(.live)
        #expect(ContinuousClock.now - started >= .seconds(2))
        budget.allow(4)
        #expect(budget.demand(within: .seconds(6)) == 8)
        // Background work (a resync) takes whatever it gets: it needs all of the limit.
        try await budget.acquire(.background)
        #expect(budget.demand(within: .seconds(6)) == 10)
        budget.allow(0)
        #expect(budget.allowance == 1)
        budget.allow(50)
        #expect(budget.allowance == 10)
    }

    actor OrderLog {
        var entries: [String] = []
        func append(_ entry: String) { entries.append(entry) }
    }
}
