import Foundation
import SwitchboardStore
import SwitchboardTestSupport
import Testing

@Suite("Periodic runs shared by processes")
struct PeriodicRunTests {
    @Test("one run per period: a second claim within it is refused, one after it is granted", arguments: StoreEngine.allCases)
    func onePerPeriod(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            func claim(_ name: String, after seconds: TimeInterval) async throws -> Bool {
                try await store.claimPeriodicRun(name, every: .seconds(3600), now: start.addingTimeInterval(seconds))
            }
            let first = try await claim("sweep", after: 0)
            let withinThePeriod = try await claim("sweep", after: 1800)
            // Another task has its own period.
            let otherTask = try await claim("other", after: 1800)
            let nextPeriod = try await claim("sweep", after: 3600)
            let withinTheNext = try await claim("sweep", after: 3601)
            #expect([first, withinThePeriod, otherTask, nextPeriod, withinTheNext] == [true, false, true, true, false])
        }
    }

    @Test("processes asking at the same moment: exactly one is granted", arguments: StoreEngine.allCases)
    func concurrentClaims(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let now = Date()
            let granted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 { group.addTask { try await store.claimPeriodicRun("sweep", every: .seconds(60), now: now) } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(granted == 1)
        }
    }
}
