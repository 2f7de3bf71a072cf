import NIOCore
import NIOPosix

/// An endpoint that accepts connections and reads requests but never answers: every attempt to it hangs until
/// Switchboard's 15-second timeout, as a dead receiver behind a live load balancer does.
struct HangingSink {
    let channel: any Channel

    init() async throws {
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 1024)
            .childChannelInitializer { channel in channel.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0)
            .get()
    }

    var url: String { "http://127.0.0.1:\(channel.localAddress?.port ?? 0)/hang" }

    func stop() {
        channel.close(promise: nil)
    }
}
