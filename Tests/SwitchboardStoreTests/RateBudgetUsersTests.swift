import Foundation
import SwitchboardStore
import SwitchboardTestSupport
import Testing

@Suite("Rate budgets shared by processes")
struct RateBudgetUsersTests {
    @Test("each integration counts the processes that used its budget lately; one gone quiet stops counting", arguments: StoreEngine.allCases)
    func users(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            func share(_ worker: String, _ integrations: [String], after seconds: TimeInterval) async throws -> [String: Int] {
                try await store.shareRateBudgets(
                    workerID: worker,
                    integrationIDs: integrations,
                    recent: .seconds(6),
                    now: start.addingTimeInterval(seconds)
                )
            }
            let first = try await share("w1", ["int_a", "int_b"], after: 0)
            let second = try await share("w2", ["int_a"], after: 1)
            // Asking again updates a process's row instead of adding one.
            let again = try await share("w1", ["int_a", "int_b"], after: 2)
            // w1 has not asked for 7 s: w2 has int_a to itself again.
            let alone = try await share("w2", ["int_a"], after: 9)
            let none = try await share("w1", [], after: 10)
            #expect(first == ["int_a": 1, "int_b": 1])
            #expect(second == ["int_a": 2])
            #expect(again == ["int_a": 2, "int_b": 1])
            #expect(alone == ["int_a": 1])
            #expect(none == [:])
        }
    }
}
