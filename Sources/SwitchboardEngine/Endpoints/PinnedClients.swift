import AsyncHTTPClient
import Synchronization

/// HTTP clients that connect only to addresses the endpoint guard approved.
///
/// AsyncHTTPClient resolves a URL's host itself when it opens a connection, and its only way to choose the address
/// is a client-wide DNS override. So each checked host and address gets a client of its own whose override maps that
/// host to that address: TLS still verifies the host name and `Host`
/// still carries it, but no connection can go anywhere the guard did not check. When a name's address changes,
/// the next attempts use a new client; the old one is shut down once nothing has used it for `idleLifetime`.
public final class PinnedClients: Sendable {
    private let configuration: HTTPClient.Configuration
    private let idleLifetime: Duration
    private let state = Mutex(State())

    private struct State {
        var clients: [Pin: Entry] = [:]
        var lastSweep = ContinuousClock.now
        var closed = false
    }

    /// A host and the address its connections go to.
    private struct Pin: Hashable {
        let host: String
        let address: ResolvedAddress
    }

    private struct Entry {
        let client: HTTPClient
        var inUse = 0
        var lastUsed: ContinuousClock.Instant
    }

    /// Clients made with `configuration` (its DNS override is replaced per host and address).
    public init(configuration: HTTPClient.Configuration, idleLifetime: Duration = .seconds(120)) {
        self.configuration = configuration
        self.idleLifetime = idleLifetime
    }

    /// Runs `body` with the client whose connections to `host` go to `address`; nil once `shutdown()` has begun.
    public func withClient<T>(host: String, address: ResolvedAddress, _ body: (HTTPClient?) async throws -> T) async rethrows -> T {
        let pin = Pin(host: host, address: address)
        let client = lease(pin)
        defer { if client != nil { release(pin) } }
        return try await body(client)
    }

    /// How many host and address pairs have a client now.
    public var count: Int { state.withLock { $0.clients.count } }

    /// Shuts every client down; attempts after this get no client.
    public func shutdown() async throws {
        let clients = state.withLock { state in
            state.closed = true
            defer { state.clients = [:] }
            return state.clients.values.map(\.client)
        }
        for client in clients { try await client.shutdown() }
    }

    private func lease(_ pin: Pin) -> HTTPClient? {
        let now = ContinuousClock.now
        let (client, idle) = state.withLock { state -> (HTTPClient?, [HTTPClient]) in
            guard !state.closed else { return (nil, []) }
            var idle: [HTTPClient] = []
            if now - state.lastSweep >= idleLifetime / 4 {
                state.lastSweep = now
                for (key, entry) in state.clients where entry.inUse == 0 && now - entry.lastUsed >= idleLifetime {
                    idle.append(entry.client)
                    state.clients[key] = nil
                }
            }
            var entry = state.clients[pin] ?? Entry(client: makeClient(for: pin), lastUsed: now)
            entry.inUse += 1
            entry.lastUsed = now
            state.clients[pin] = entry
            return (entry.client, idle)
        }
        // Nothing uses these: their connections are idle, so shutting down cancels nothing.
        for client in idle { client.shutdown { _ in } }
        return client
    }

    private func release(_ pin: Pin) {
        let now = ContinuousClock.now
        state.withLock { state in
            state.clients[pin]?.inUse -= 1
            state.clients[pin]?.lastUsed = now
        }
    }

    private func makeClient(for pin: Pin) -> HTTPClient {
        var configuration = configuration
        configuration.dnsOverride = [pin.host: pin.address.description]
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}
