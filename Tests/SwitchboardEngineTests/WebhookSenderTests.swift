import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import SwitchboardDomain
import Testing

@testable import SwitchboardEngine

@Suite("Webhook sender")
struct WebhookSenderTests {
    /// How a test endpoint answers the first bytes of a connection's request; it never answers again by itself.
    enum Answer: Sendable {
        /// A response head and the start of the body it announces, then silence.
        case stall
        /// A chunked 200 whose body never ends: a 4 KiB chunk every 10 ms.
        case endless
    }

    /// Gives each connection its `Answer`, once.
    final class Responder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        private let answer: Answer
        private var answered = false

        init(_ answer: Answer) {
            self.answer = answer
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !answered else { return }
            answered = true
            switch answer {
            case .stall:
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial")), promise: nil)
            case .endless:
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")), promise: nil)
                let chunk = ByteBuffer(string: "1000\r\n" + String(repeating: "x", count: 4096) + "\r\n")
                let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
                context.eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(10), delay: .milliseconds(10)) { task in
                    let context = loopBound.value
                    guard context.channel.isActive else { return task.cancel() }
                    context.writeAndFlush(NIOAny(chunk), promise: nil)
                }
            }
        }
    }

    /// Serves `answer` on a free loopback port while `body` runs.
    func withServer(answering answer: Answer, _ body: (Int) async throws -> Void) async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Responder(answer)) }
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
        try await withServer(answering: .endless) { port in
            let clients = PinnedClients(configuration: WebhookSender.clientConfiguration(connectionsPerHost: 1))
            let sender = WebhookSender(clients: clients, endpointGuard: EndpointGuard(allowPrivateTargets: true), timeout: .seconds(30))
            let started = ContinuousClock.now
            let outcome = await sender.send(url: "http://127.0.0.1:\(port)/hook", messageID: "msg_1", body: Array("{}".utf8), secrets: [.generate()])
            try await clients.shutdown()
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(outcome.statusCode == 200)
            #expect(outcome.responseBody?.utf8.count == AttemptOutcome.responseBodyLimit)
        }
    }

    @Test("an endpoint that sends its response head and then stalls the body ends as a timeout", .timeLimit(.minutes(1)))
    func stalledBody() async throws {
        try await withServer(answering: .stall) { port in
            let clients = PinnedClients(configuration: WebhookSender.clientConfiguration(connectionsPerHost: 1, readTimeout: .milliseconds(300)))
            // The deadline is far away: only the read timeout can end this attempt.
            let sender = WebhookSender(clients: clients, endpointGuard: EndpointGuard(allowPrivateTargets: true), timeout: .seconds(30))
            let started = ContinuousClock.now
            let outcome = await sender.send(url: "http://127.0.0.1:\(port)/hook", messageID: "msg_1", body: Array("{}".utf8), secrets: [.generate()])
            try await clients.shutdown()
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(outcome.errorClass == .timeout, "\(outcome)")
            #expect(!outcome.succeeded)
        }
    }
}
