import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A real HTTP server on 127.0.0.1 that records every request and answers as the test tells it to.
public final class TestReceiver: Sendable {
    /// One received request.
    public struct Received: Sendable {
        public let path: String
        /// The `Host` the request was sent with.
        public let authority: String?
        public let headers: [String: String]
        public let body: [UInt8]
        public let at: Date

        public var webhookID: String? { headers["webhook-id"] }
    }

    /// What to answer: status, extra headers, and how long to wait first.
    public struct Answer: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var delay: Duration

        public init(status: Int = 204, headers: [String: String] = [:], delay: Duration = .zero) {
            self.status = status
            self.headers = headers
            self.delay = delay
        }
    }

    private let requests = Mutex<[Received]>([])
    private let behaviour: @Sendable (Received) -> Answer
    private let port = Mutex<Int?>(nil)

    /// A receiver; `behaviour` decides each answer.
    public init(_ behaviour: @escaping @Sendable (Received) -> Answer = { _ in Answer() }) {
        self.behaviour = behaviour
    }

    /// Everything received so far, in order of arrival.
    public var received: [Received] { requests.withLock { $0 } }

    /// The base URL, once running.
    public var url: String { "http://127.0.0.1:\(port.withLock { $0 } ?? 0)" }

    /// Runs the receiver while `body` runs.
    public func run<R: Sendable>(_ body: @Sendable (TestReceiver) async throws -> R) async throws -> R {
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { [self] request, _ in
            let buffer = try await request.body.collect(upTo: 4 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let received = Received(
                path: request.uri.path,
                authority: request.head.authority,
                headers: headers,
                body: Array(buffer.readableBytesView),
                at: Date()
            )
            requests.withLock { $0.append(received) }
            let answer = behaviour(received)
            if answer.delay > .zero { try await Task.sleep(for: answer.delay) }
            var fields = HTTPFields()
            for (name, value) in answer.headers { fields[HTTPField.Name(name)!] = value }
            // 204 and 304 must not carry a body: a client would read it as the start of the next response.
            let body = [204, 304].contains(answer.status) ? ByteBuffer() : ByteBuffer(string: "answer \(answer.status)")
            return Response(status: .init(code: answer.status), headers: fields, body: .init(byteBuffer: body))
        }
        router.post("/", use: handler)
        router.post("**", use: handler)
        var logger = Logger(label: "test.receiver")
        logger.logLevel = .critical
        let (started, ready) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in ready.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            defer { group.cancelAll() }
            var iterator = started.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            self.port.withLock { $0 = port }
            return try await body(self)
        }
    }

    /// Waits until `condition` holds of the received requests, or the deadline passes.
    @discardableResult
    public func wait(timeout: Duration = .seconds(90), until condition: ([Received]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(received) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition(received)
    }
}
