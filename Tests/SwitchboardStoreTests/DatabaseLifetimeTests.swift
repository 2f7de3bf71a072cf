import Dispatch
import SQLKit
import SwitchboardTestSupport
import Testing

@testable import SwitchboardStore

@Suite("Database lifetime")
struct DatabaseLifetimeTests {
    @Test(
        "cancelled together with its caller, the database stays open until the caller's body has made its last write",
        .timeLimit(.minutes(1)),
        arguments: StoreEngine.allCases
    )
    func outlivesItsBody(engine: StoreEngine) async throws {
        let database = try await Database.open(try await engine.makeURL(), logger: testLogger)
        let (started, signal) = AsyncStream.makeStream(of: Void.self)
        let caller = Task {
            try await database.whileRunning {
                signal.yield()
                while !Task.isCancelled { await pause(milliseconds: 5) }
                // As services do when they stop: a moment later, a last write (attempts recorded, claims handed back),
                // from a task of its own (PostgreSQL's pool refuses a cancelled task a connection by itself).
                await pause(milliseconds: 100)
                return try await Task {
                    try await database.withConnection { db in try await db.raw("SELECT 1 AS n").first(decodingColumn: "n", as: Int.self) }
                }.value
            }
        }
        for await _ in started { break }
        caller.cancel()
        #expect(try await caller.value == 1)
    }
}

/// Waits without being cut short by cancellation.
private func pause(milliseconds: Int) async {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { continuation.resume() }
    }
}
