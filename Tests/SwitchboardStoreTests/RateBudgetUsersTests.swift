import Foundation
import SwitchboardStore
import SwitchboardTestSupport
import Testing

@Suite("Rate budgets shared by processes")
struct RateBudgetUsersTests {
    @Test("each integration lists the needs of the processes that used its budget lately; one gone quiet drops out", arguments: StoreEngine.allCases)
    func users(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            func share(_ worker: String, _ demands: [String: Int], after seconds: TimeInterval) async throws -> [String: [String: Int]] {
                try await store.shareRateBudgets(workerID: worker, demands: demands, recent: .seconds(6), now: start.addingTimeInterval(seconds))
            }
            let first = try await share("w1", ["int_a": 100, "int_b": 3], after: 0)
            let second = try await share("w2", ["int_a": 4], after: 1)
            // Asking again updates a process's row (and its need) instead of adding one.
            let again = try await share("w1", ["int_a": 50, "int_b": 3], after: 2)
            // w1 has not asked for 7 s: w2 has int_a to itself again.
            let alone = try await share("w2", ["int_a": 4], after: 9)
            let none = try await share("w1", [:], after: 10)
            #expect(first == ["int_a": ["w1": 100], "int_b": ["w1": 3]])
            #expect(second == ["int_a": ["w1": 100, "w2": 4]])
            #expect(again == ["int_a": ["w1": 50, "w2": 4], "int_b": ["w1": 3]])
            #expect(alone == ["int_a": ["w2": 4]])
            #expect(none == [:])
        }
    }
}
