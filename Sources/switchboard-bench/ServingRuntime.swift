import ServiceLifecycle
import SwitchboardCommands

/// Runs `runtime` with its API on 127.0.0.1 and a fresh workspace while `body` drives it, then stops it the way SIGTERM
/// stops `serve`: a graceful shutdown, so the server, the dispatcher and the database close in order (cancelling the
/// task instead cut the server off mid-shutdown, which logged errors).
func withServingRuntime<R: Sendable>(
    _ runtime: Runtime,
    workspaceName: String,
    _ body: (_ workspaceID: String, _ apiKey: String, _ api: String) async throws -> R
) async throws -> R {
    let port = Int.random(in: 20_000...29_000)
    let (ready, readySignal) = AsyncStream.makeStream(of: (String, String).self)
    let serving = ServiceGroup(
        configuration: .init(
            services: [
                .init(
                    service: RuntimeService {
                        // Ends the wait below if the runtime stops (or fails) before it is ready.
                        defer { readySignal.finish() }
                        try await runtime.run {
                            let (workspace, key) = try await runtime.store.createWorkspace(name: workspaceName, managerKeyLabel: "bench")
                            readySignal.yield((workspace.id, key))
                            return [runtime.application(host: "127.0.0.1", port: port)]
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
        guard let (workspaceID, key) = await iterator.next() else { throw BenchError("the server did not start") }
        let result: Result<R, any Error>
        do {
            result = .success(try await body(workspaceID, key, "http://127.0.0.1:\(port)"))
        } catch {
            result = .failure(error)
        }
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
