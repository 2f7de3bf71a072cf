import Foundation
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardTestSupport
import Testing

/// DNS rebinding: the address the guard checks is the address the attempt connects to.
@Suite("Webhook attempts connect to the checked address")
struct PinnedDestinationTests {
    /// Never resolvable by the system (RFC 6761), so a request reaching the receiver went to the checked address.
    static let host = "hooks.switchboard.invalid"

    @Test("an attempt goes to the address its check approved, with the name in Host; when the name moves, so do the attempts")
    func pinned() async throws {
        let resolver = ScriptedResolver([Self.host: ["127.0.0.1"]])
        let receiver = TestReceiver { _ in .init(status: 200) }
        try await receiver.run { receiver in
            let port = try #require(URL(string: receiver.url)?.port)
            let clients = PinnedClients(configuration: WebhookSender.clientConfiguration(connectionsPerHost: 1))
            let relaxed = EndpointGuard(allowPrivateTargets: true, resolutionLifetime: .zero, resolver: resolver.resolve)
            // Which address is used is checked, not speed: the timeout leaves room for a loaded machine.
            let sender = WebhookSender(clients: clients, endpointGuard: relaxed, timeout: .seconds(40))
            let url = "http://\(Self.host):\(port)/hook"

            let first = await sender.send(url: url, messageID: "msg_1", body: Array("{}".utf8), secrets: [.generate()])
            #expect(first.statusCode == 200, "\(first)")
            #expect(receiver.received.map(\.authority) == ["\(Self.host):\(port)"])

            // The receiver listens on 127.0.0.1 only: an attempt reaching it now would have used a stale address.
            resolver.answer(Self.host, with: ["127.0.0.2"])
            let moved = await sender.send(url: url, messageID: "msg_2", body: Array("{}".utf8), secrets: [.generate()])
            #expect(moved.errorClass == .connect, "\(moved)")
            #expect(receiver.received.count == 1)
            #expect(clients.count == 2)
            try await clients.shutdown()
        }
    }

    @Test("a name resolving to loopback is refused before any request; an unresolvable one is a DNS failure")
    func refusedAndUnresolved() async throws {
        let resolver = ScriptedResolver([Self.host: ["127.0.0.1"]])
        let receiver = TestReceiver { _ in .init(status: 200) }
        try await receiver.run { receiver in
            let port = try #require(URL(string: receiver.url)?.port)
            let clients = PinnedClients(configuration: WebhookSender.clientConfiguration(connectionsPerHost: 1))
            let strict = EndpointGuard(allowPrivateTargets: false, resolutionLifetime: .zero, resolver: resolver.resolve)
            let sender = WebhookSender(clients: clients, endpointGuard: strict, timeout: .seconds(5))

            let refused = await sender.send(url: "https://\(Self.host):\(port)/hook", messageID: "msg_1", body: [], secrets: [.generate()])
            #expect(refused.errorClass == .refusedTarget)
            #expect(refused.errorMessage?.contains("resolves to 127.0.0.1, which is a loopback address") == true)
            let unresolved = await sender.send(url: "https://nowhere.switchboard.invalid/hook", messageID: "msg_2", body: [], secrets: [.generate()])
            #expect(unresolved.errorClass == .dns)
            #expect(receiver.received.isEmpty)
            #expect(clients.count == 0)
            try await clients.shutdown()
        }
    }

    @Test("a host and address's client is shut down once nothing has used it for the idle lifetime, never while in use")
    func idleClientsRetire() async throws {
        let (a, b, c) = (ResolvedAddress(literal: "127.0.0.1")!, ResolvedAddress(literal: "127.0.0.2")!, ResolvedAddress(literal: "127.0.0.3")!)
        let clients = PinnedClients(configuration: WebhookSender.clientConfiguration(connectionsPerHost: 1), idleLifetime: .milliseconds(80))
        await clients.withClient(host: Self.host, address: a) { #expect($0 != nil) }
        try await clients.withClient(host: Self.host, address: b) { _ in
            try await Task.sleep(for: .milliseconds(150))
            // a has been idle past its lifetime; b is in use.
            await clients.withClient(host: Self.host, address: c) { _ in }
            #expect(clients.count == 2)
        }
        try await clients.shutdown()
        await clients.withClient(host: Self.host, address: a) { #expect($0 == nil, "no client after shutdown") }
    }

    @Test("an address that cannot be reached gives way to the next one the check approved")
    func nextAddress() async throws {
        // 127.0.0.2 has nothing listening on the receiver's port; the receiver is on 127.0.0.1.
        let resolver = ScriptedResolver([Self.host: ["127.0.0.2", "127.0.0.1"]])
        let receiver = TestReceiver { _ in .init(status: 200) }
        try await receiver.run { receiver in
            let port = try #require(URL(string: receiver.url)?.port)
            let clients = PinnedClients(configuration: WebhookSender.clientConfiguration(connectionsPerHost: 1))
            let relaxed = EndpointGuard(allowPrivateTargets: true, resolver: resolver.resolve)
            // What is checked is the way to the next address, not speed: the timeout leaves room for a CI machine whose
            // two cores start every suite at once (13 s were seen there for a refused and an accepted connection).
            let sender = WebhookSender(clients: clients, endpointGuard: relaxed, timeout: .seconds(40))
            let outcome = await sender.send(
                url: "http://\(Self.host):\(port)/hook",
                messageID: "msg_1",
                body: Array("{}".utf8),
                secrets: [.generate()]
            )
            #expect(outcome.statusCode == 200, "\(outcome)")
            #expect(receiver.received.count == 1)
            #expect(clients.count == 2)
            try await clients.shutdown()
        }
    }

    @Test("trying further addresses stays within the attempt's one timeout")
    func oneTimeoutForAllAddresses() async throws {
        // Connections to this port on every address hang until a timeout ends them.
        let unanswered = try UnansweredPort()
        let resolver = ScriptedResolver([Self.host: ["127.0.0.2", "127.0.0.3", "127.0.0.4"]])
        let clients = PinnedClients(configuration: WebhookSender.clientConfiguration(connectionsPerHost: 1))
        let relaxed = EndpointGuard(allowPrivateTargets: true, resolver: resolver.resolve)
        let sender = WebhookSender(clients: clients, endpointGuard: relaxed, timeout: .seconds(4))
        let started = ContinuousClock.now
        let outcome = await sender.send(url: "http://\(Self.host):\(unanswered.port)/hook", messageID: "msg_1", body: [], secrets: [.generate()])
        let took = ContinuousClock.now - started
        #expect(outcome.statusCode == nil)
        #expect(outcome.errorClass == .timeout, "\(outcome)")
        // The first address used the attempt's whole timeout, so no other was tried: one client, made for it. (A
        // timeout per address would have made three, and taken 12 s; wall time alone misleads on a loaded machine.)
        #expect(clients.count == 1, "no further address once the attempt's timeout has passed")
        #expect(took >= .seconds(4), "the first address waited for the timeout")
        try await clients.shutdown()
    }
}
