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
    final class StallingResponder: Responder {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        private var answered = false

        init() {}

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !answered else { return }
            answered = true
            let head = "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial"
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: head)), promise: nil)
        }
    }

    /// Answers every request with a chunked 200 whose body never ends: a chunk every 10 ms.
    final class EndlessResponder: Responder {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        private var answered = false

        init() {}

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !answered else { return }
            answered = true
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")), promise: nil)
            let chunk = String(repeating: "x", count: 4096)
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(10), delay: .milliseconds(10)) { task in
                let context = loopBound.value
                guard context.channel.isActive else { return task.cancel() }
                context.writeAndFlush(NIOAny(ByteBuffer(string: "1000\r\n\(chunk)\r\n")), promise: nil)
            }
        }
    }

    /// A test endpoint's behaviour, one instance per connection.
    protocol Responder: ChannelInboundHandler {
        init()
    }

    /// Serves a `Responder`'s answers on a free loopback port while `body` runs.
    func withServer<R: Responder>(_: R.Type, _ body: (Int) async throws -> Void) async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(R()) }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        do {
            try await body(server.localAddress?.port ?? 0)
        } catch {
            try? await server.close()
            throw error
        }
        try await server.close()
    }

    @Test("an endpoint whose answer never ends is read up to a limit, and the attempt ends with what was kept", .timeLimit(.minutes(1)))
    func endlessBody() async throws {
        try await withServer(EndlessResponder.self) { port in
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: WebhookSender.clientConfiguration(connectionsPerHost: 1))
            let sender = WebhookSender(client: client, endpointGuard: EndpointGuard(allowPrivateTargets: true), timeout: .seconds(30))
            let started = ContinuousClock.now
            let outcome = await sender.send(url: "http://127.0.0.1:\(port)/hook", messageID: "msg_1", body: Array("{}".utf8), secrets: [.generate()])
            try await client.shutdown()
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(outcome.statusCode == 200)
            #expect(outcome.responseBody?.utf8.count == AttemptOutcome.responseBodyLimit)
        }
    }

    @Test("an endpoint that sends its response head and then stalls the body ends as a timeout", .timeLimit(.minutes(1)))
    func stalledBody() async throws {
        try await withServer(StallingResponder.self) { port in
            let client = HTTPClient(
                eventLoopGroupProvider: .singleton,
                configuration: WebhookSender.clientConfiguration(connectionsPerHost: 1, readTimeout: .milliseconds(300))
            )
            // The deadline is far away: only the read timeout can end this attempt.
            let sender = WebhookSender(client: client, endpointGuard: EndpointGuard(allowPrivateTargets: true), timeout: .seconds(30))
            let started = ContinuousClock.now
            let outcome = await sender.send(url: "http://127.0.0.1:\(port)/hook", messageID: "msg_1", body: Array("{}".utf8), secrets: [.generate()])
            try await client.shutdown()
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(outcome.errorClass == .timeout, "\(outcome)")
            #expect(!outcome.succeeded)
        }
    }
}
