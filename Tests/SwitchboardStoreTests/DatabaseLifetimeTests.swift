import Dispatch
import SQLKit
import ServiceLifecycle
import SwitchboardTestSupport
import Synchronization
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

    @Test(
        "shut down gracefully by an enclosing service group, the database stays open until the body has made its last write",
        .timeLimit(.minutes(1)),
        arguments: StoreEngine.allCases
    )
    func outlivesGracefulShutdown(engine: StoreEngine) async throws {
        let database = try await Database.open(try await engine.makeURL(), logger: testLogger)
        let (started, signal) = AsyncStream.makeStream(of: Void.self)
        let lastRead = Mutex<Int?>(nil)
        // As `Runtime.run` inside a benchmark's or an embedding application's service group.
        let service = BodyService {
            let value = try await database.whileRunning {
                signal.yield()
                try? await gracefulShutdown()
                await pause(milliseconds: 100)
                return try await database.withConnection { db in
                    try await db.raw("SELECT 1 AS n").first(decodingColumn: "n", as: Int.self)
                }
            }
            lastRead.withLock { $0 = value }
        }
        let group = ServiceGroup(configuration: .init(services: [.init(service: service)], logger: testLogger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for await _ in started { break }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(lastRead.withLock { $0 } == 1)
    }
}

private struct BodyService: Service {
    let body: @Sendable () async throws -> Void

    func run() async throws { try await body() }
}

/// Waits without being cut short by cancellation.
private func pause(milliseconds: Int) async {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { continuation.resume() }
    }
}

@Suite("Database reachability")
struct DatabaseReachabilityTests {
    @Test("a PostgreSQL server that is not there is reported after the timeout, without the URL's credentials", .timeLimit(.minutes(1)))
    func unreachablePostgreSQL() async throws {
        // Port 1 on loopback: nothing listens, so every connection attempt is refused and the pool keeps retrying.
        let url = try DatabaseURL("postgres://switchboard:s3cret@127.0.0.1:1/switchboard")
        let database = try await Database.open(url, logger: testLogger)
        let started = ContinuousClock.now
        let failure = try await database.whileRunning {
            await #expect(throws: Database.Unreachable.self) { try await database.ping(within: .seconds(1)) }
        }
        #expect(ContinuousClock.now - started < .seconds(10))
        let message = String(describing: failure ?? Database.Unreachable(location: "", timeout: .zero))
        #expect(message.contains("PostgreSQL at 127.0.0.1:1/switchboard"))
        #expect(!message.contains("s3cret"))
    }

    @Test("a database that is there answers at once", arguments: StoreEngine.allCases)
    func reachable(engine: StoreEngine) async throws {
        let database = try await Database.open(try await engine.makeURL(), logger: testLogger)
        // Well inside the 30 s a command waits for a database that is not there yet; 5 s was too tight for a fresh
        // PostgreSQL database while every suite starts at once on 2 cores (seen in CI).
        try await database.whileRunning { try await database.ping(within: .seconds(20)) }
    }
}
