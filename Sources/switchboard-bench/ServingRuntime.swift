import ServiceLifecycle
import SwitchboardCommands

/// Runs `runtime` with its API on 127.0.0.1 and a fresh workspace while `body` drives it, then stops it the way SIGTERM
/// stops `serve`: a graceful shutdown, so the server, the dispatcher and the database close in order (cancelling the
/// task instead cut the server off mid-shutdown, which logged errors).
///
/// With `workers`, the serving runtime only serves (`serve --no-workers`) and each of `workers` runs as a
/// `switchboard worker` would, on the same database, started once the serving runtime has migrated it.
func withServingRuntime<R: Sendable>(
    _ runtime: Runtime,
    workspaceName: String,
    workers: [Runtime] = [],
    _ body: (_ workspaceID: String, _ apiKey: String, _ api: String) async throws -> R
) async throws -> R {
    let (ready, readySignal) = AsyncStream.makeStream(of: (workspaceID: String, key: String, api: String).self)
    let serving = ServiceGroup(
        configuration: .init(
            services: [
                .init(
                    service: RuntimeService {
                        // Ends the wait below if the runtime stops (or fails) before it is ready.
                        defer { readySignal.finish() }
                        try await runtime.run(dispatch: workers.isEmpty) {
                            let (workspace, key) = try await runtime.store.createWorkspace(name: workspaceName, managerKeyLabel: "bench")
                            // Port 0: the system picks one nothing holds; the body starts once the server listens on it.
                            return [
                                runtime.application(host: "127.0.0.1", port: 0) { port in
                                    readySignal.yield((workspace.id, key, "http://127.0.0.1:\(port)"))
                                }
                            ]
                        }
                    }
                )
            ],
            logger: runtime.logger
        )
    )
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await serving.run() }
        var iterator = ready.makeAsyncIterator()
        guard let (workspaceID, key, api) = await iterator.next() else { throw BenchError("the server did not start") }
        let working = workers.map { worker in
            ServiceGroup(
                configuration: .init(services: [.init(service: RuntimeService { try await worker.run { [] } })], logger: worker.logger)
            )
        }
        for worker in working { group.addTask { try await worker.run() } }
        let result: Result<R, any Error>
        do {
            result = .success(try await body(workspaceID, key, api))
        } catch {
            result = .failure(error)
        }
        for worker in working { await worker.triggerGracefulShutdown() }
        await serving.triggerGracefulShutdown()
        try await group.waitForAll()
        return try result.get()
    }
}

/// A runtime's whole run as one service of the group above.
private struct RuntimeService: Service {
    let body: @Sendable () async throws -> Void

    func run() async throws { try await body() }
}
