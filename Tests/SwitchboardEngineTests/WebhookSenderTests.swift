import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import SwitchboardDomain
import Testing

@testable import SwitchboardEngine

@Suite("Webhook sender")
struct WebhookSenderTests {
    /// Answers the first bytes of every request with a response head and the start of a body, then stays silent.
    final class StallingResponder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        private var answered = false

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !answered else { return }
            answered = true
            let head = "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial"
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: head)), promise: nil)
        }
    }

    @Test("an endpoint that sends its response head and then stalls the body ends as a timeout", .timeLimit(.minutes(1)))
    func stalledBody() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(StallingResponder()) }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let port = server.localAddress?.port ?? 0
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: WebhookSender.clientConfiguration(connectionsPerHost: 1, readTimeout: .milliseconds(300))
        )
        // The deadline is far away: only the read timeout can end this attempt.
        let sender = WebhookSender(client: client, endpointGuard: EndpointGuard(allowPrivateTargets: true), timeout: .seconds(30))
        let started = ContinuousClock.now
        let outcome = await sender.send(url: "http://127.0.0.1:\(port)/hook", messageID: "msg_1", body: Array("{}".utf8), secrets: [.generate()])
        try await client.shutdown()
        try await server.close()
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(outcome.errorClass == .timeout, "\(outcome)")
        #expect(!outcome.succeeded)
    }
}
