import Foundation
import Hummingbird
import Logging
import NIOCore
import SwitchboardProviders
import Synchronization

/// Runs an emulator's router on 127.0.0.1 (a free port unless one is given) for as long as a body runs,
/// the way tests and `switchboard demo` use the provider emulators.
public struct EmulatorServer {
    let router: Router<BasicRequestContext>
    let name: String

    public init(name: String, router: Router<BasicRequestContext>) {
        self.name = name
        self.router = router
    }

    /// Serves until `body` returns; `body` gets the base URL (`http://127.0.0.1:<port>`).
    public func run<R: Sendable>(port: Int = 0, _ body: @Sendable (String) async throws -> R) async throws -> R {
        var logger = Logger(label: "switchboard.emulator.\(name)")
        logger.logLevel = .critical
        let (started, ready) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: name),
            onServerRunning: { channel in ready.yield(channel.localAddress?.port ?? port) },
            logger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            defer { group.cancelAll() }
            var iterator = started.makeAsyncIterator()
            let bound = await iterator.next() ?? port
            return try await body("http://127.0.0.1:\(bound)")
        }
    }

    /// A request's JSON body (nil when empty).
    public static func json(_ request: Request) async throws -> Any? {
        let buffer = try await request.body.collect(upTo: 4 << 20)
        guard buffer.readableBytes > 0 else { return nil }
        return try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))
    }
}
