import Foundation
import SwitchboardDomain
import SwitchboardTestSupport
import Synchronization
import Testing

@testable import SwitchboardEngine

@Suite("Provider batching")
struct ProviderSessionsTests {
    @Test("while a resync uses the budget, live activity gathers into one call; a call ending meanwhile does not cut the gathering short")
    func gathersUnderContention() async throws {
        let provider = RecordingProvider(callTime: .milliseconds(200))
        // Generous, so that a loaded CI machine cannot end the gathering before the third activity arrives.
        let sessions = ProviderSessions(contendedGather: .seconds(10))
        let budget = sessions.budget(for: "int_1", provider: provider)
        let connection = ProviderConnection(integrationID: "int_1", credentials: [:], settings: [:], budget: budget)

        // Uncontended: a call at once.
        let first = Task { await sessions.deliver(.registration("a@example.com"), over: connection, provider: provider) }
        while provider.calls.isEmpty { try await Task.sleep(for: .milliseconds(5)) }  // the first call is out
        // A resync takes a request: from now on live activity gathers.
        try await budget.acquire(.background)
        let second = Task { await sessions.deliver(.registration("b@example.com"), over: connection, provider: provider) }
        while provider.finishedCalls == 0 { try await Task.sleep(for: .milliseconds(10)) }  // the first call has ended; the gathering has not
        let third = Task { await sessions.deliver(.registration("c@example.com"), over: connection, provider: provider) }
        for task in [first, second, third] { #expect(await task.value == nil) }

        #expect(provider.calls == [["a@example.com"], ["b@example.com", "c@example.com"]])
    }

    @Test("without contention, what arrives while a call is out goes together in the next call")
    func batchesBehindARunningCall() async throws {
        // A call long enough for the three deliveries below to join the queue behind it on a loaded machine.
        let provider = RecordingProvider(callTime: .seconds(2), concurrentCalls: 1)
        let sessions = ProviderSessions(contendedGather: .seconds(60))
        let connection = ProviderConnection(
            integrationID: "int_1",
            credentials: [:],
            settings: [:],
            budget: sessions.budget(for: "int_1", provider: provider)
        )
        let first = Task { await sessions.deliver(.registration("a@example.com"), over: connection, provider: provider) }
        while provider.calls.isEmpty { try await Task.sleep(for: .milliseconds(5)) }  // the first call is out
        let rest = ["b", "c", "d"].map { name in
            Task { await sessions.deliver(.registration("\(name)@example.com"), over: connection, provider: provider) }
        }
        #expect(await first.value == nil)
        for task in rest { #expect(await task.value == nil) }
        #expect(provider.calls.map { Set($0) } == [["a@example.com"], ["b@example.com", "c@example.com", "d@example.com"]])
    }

    @Test("a resync in one process and live sync in another split the limit by need; alone again, the whole limit", arguments: StoreEngine.allCases)
    func sharedAcrossProcesses(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            // A window of two minutes: what was sent still counts however long a loaded machine takes between steps.
            let provider = RecordingProvider(callTime: .zero, window: 120)
            // Two processes: sessions and sharing of their own, one database.
            let (resyncing, live) = (ProviderSessions(), ProviderSessions())
            // Rounds a minute apart (so "recent" is 3 minutes), against a loaded machine taking seconds between the steps.
            let sharing = [
                RateBudgetSharing(store: store, sessions: resyncing, workerID: "w1", interval: .seconds(60), logger: testLogger),
                RateBudgetSharing(store: store, sessions: live, workerID: "w2", interval: .seconds(60), logger: testLogger),
            ]
            let budgets = [resyncing.budget(for: "int_1", provider: provider), live.budget(for: "int_1", provider: provider)]
            // Not used yet: nothing to share.
            await sharing[0].round()
            #expect(budgets[0].allowance == 100)
            try await budgets[0].acquire(.background)
            for _ in 0..<4 { try await budgets[1].acquire(.live) }
            for _ in 0..<2 {
                for process in sharing { await process.round() }
            }
            // Live sync needs 4 per window: it may take 12; the resync takes the rest.
            #expect(budgets.map(\.allowance) == [88, 12])
            #expect(budgets[1].contended, "beside a resync elsewhere, live sync gathers more per call")
            // w1's resync ends and it goes quiet: once its last round is older than `recent`, w2 has the whole limit again.
            await sharing[1].round(now: Date().addingTimeInterval(600))
            #expect(budgets[1].allowance == 100)
            #expect(!budgets[1].contended)
        }
    }

    @Test("the fair part: small needs are met with room to grow, the rest is split evenly, the sum stays within the limit")
    func fairParts() {
        func parts(_ needs: [Int]) -> [Int] {
            needs.indices.map { index in
                var others = needs
                others.remove(at: index)
                return RateBudgetSharing.allowance(limit: 100, demand: needs[index], others: others)
            }
        }
        #expect(parts([100]) == [100])
        #expect(parts([3]) == [100], "alone, all of it")
        // A need gets room to grow: twice it, and 4 more.
        #expect(parts([100, 3]) == [90, 10])
        #expect(parts([100, 100]) == [50, 50])
        #expect(parts([0, 10, 100]) == [4, 24, 72])
        #expect(parts([60, 60, 60]) == [33, 33, 33])
        #expect(parts([40, 20]) == [56, 44])
        // Both needs fit (10 and 12 with room): the 78 left over are split.
        #expect(parts([3, 4]) == [49, 51])
    }
}

extension OutboundEvent {
    fileprivate static func registration(_ email: String) -> OutboundEvent {
        OutboundEvent(type: .registrationCreated, occurredAt: Date(), data: ["broadcast": ["id": "brd_1"], "registrant": ["email": .string(email)]])
    }
}

/// A provider that records the emails of each live call, each taking `callTime`.
private final class RecordingProvider: ContactSyncProvider {
    let callTime: Duration
    let concurrentCalls: Int
    /// The rate budget's window (its limit is 100).
    let window: TimeInterval
    private let recorded = Mutex<[[String]]>([])
    private let finished = Mutex(0)

    init(callTime: Duration, concurrentCalls: Int = 2, window: TimeInterval = 10) {
        self.callTime = callTime
        self.concurrentCalls = concurrentCalls
        self.window = window
    }

    var calls: [[String]] { recorded.withLock { $0 } }
    var finishedCalls: Int { finished.withLock { $0 } }

    var description: ProviderDescription {
        ProviderDescription(
            provider: "recording",
            category: "CRM & Email Providers",
            displayName: "Recording",
            credentials: [],
            settings: [],
            events: []
        )
    }
    var batchSize: Int { 100 }
    var resyncPageSize: Int { 100 }
    func makeBudget() -> RequestBudget { RequestBudget(limit: 100, window: window) }
    func credentials(from fields: [String: JSONValue]) -> Result<[String: String], FieldErrors> { .success([:]) }
    func settings(from fields: [String: JSONValue]) -> Result<JSONValue, FieldErrors> { .success([:]) }
    func missingSettings(_ settings: JSONValue) -> [String] { [] }
    func validate(_ connection: ProviderConnection) async throws(ProviderFailure) -> ValidationFailure? { nil }
    func options(_ connection: ProviderConnection) async throws(ProviderFailure) -> [String: [ProviderResource]] { [:] }
    func resync(_ contacts: [Contact], over connection: ProviderConnection) async -> [ProviderFailure?] { contacts.map { _ in nil } }

    func sync(_ activities: [ContactActivity], over connection: ProviderConnection) async -> [ProviderFailure?] {
        recorded.withLock { $0.append(activities.map(\.contact.email)) }
        try? await Task.sleep(for: callTime)
        finished.withLock { $0 += 1 }
        return activities.map { _ in nil }
    }
}
