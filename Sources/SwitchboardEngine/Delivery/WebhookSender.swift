import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardDomain

/// Makes one signed HTTP attempt at a webhook delivery and says what came of it. It never throws:
/// every failure becomes an `AttemptOutcome` with its error class.
public struct WebhookSender: Sendable {
    let clients: PinnedClients
    let endpointGuard: EndpointGuard
    let timeout: TimeAmount

    /// A sender whose attempts go through `clients` (made with `clientConfiguration`) to the addresses
    /// `endpointGuard` approves.
    public init(clients: PinnedClients, endpointGuard: EndpointGuard, timeout: TimeAmount = .seconds(15)) {
        self.clients = clients
        self.endpointGuard = endpointGuard
        self.timeout = timeout
    }

    /// The HTTP client configuration deliveries need: no redirects, bounded connect and read times.
    ///
    /// The read timeout is needed beside each call's deadline: AsyncHTTPClient's deadline covers a request until the
    /// response head arrives, not the body after it, so an endpoint that answers its head and then stalls would
    /// otherwise hold the attempt (and its slot) forever.
    public static func clientConfiguration(connectionsPerHost: Int, readTimeout: TimeAmount = .seconds(15)) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(5), read: readTimeout)
        )
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connectionsPerHost)
        configuration.decompression = .disabled
        // No distributed tracing: without a tracer the client skips building a span per request (~1.5 % of the CPU
        // of a delivery, even with the no-op tracer).
        configuration.tracing.tracer = nil
        return configuration
    }

    /// The most of an answer that is read: enough for a usual error page, whose connection then stays reusable; past it
    /// the rest is dropped with the connection. Of what is read, the first `AttemptOutcome.responseBodyLimit` bytes are kept.
    static let responseReadLimit = 64 * 1024

    /// POSTs `body` to `url`, signed with `secrets` (newest first), as message `messageID`.
    public func send(url: String, messageID: String, body: [UInt8], secrets: [SigningSecret], now: Date = Date()) async -> AttemptOutcome {
        let started = ContinuousClock.now
        func elapsed() -> Int { Int((ContinuousClock.now - started).wholeMilliseconds) }
        let destination: EndpointGuard.Destination
        do {
            destination = try await endpointGuard.check(url)
        } catch {
            return AttemptOutcome(
                startedAt: now,
                durationMilliseconds: elapsed(),
                errorClass: error.unresolved ? .dns : .refusedTarget,
                errorMessage: error.unresolved ? error.description : "refused target: \(error)"
            )
        }
        let timestamp = Int64(now.timeIntervalSince1970)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: "Switchboard-Webhooks/1.0")
        request.headers.add(name: "webhook-id", value: messageID)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        request.headers.add(
            name: "webhook-signature",
            value: SignatureSigner.signatureHeader(messageID: messageID, timestamp: timestamp, body: body, secrets: secrets)
        )
        request.body = .bytes(ByteBuffer(bytes: body))
        // An address that cannot be reached gives way to the next one checked, as the client itself would try a
        // name's addresses in turn: at most a few, and all within the attempt's one timeout.
        let deadline = NIODeadline.now() + timeout
        var outcome = AttemptOutcome(startedAt: now, durationMilliseconds: 0, errorClass: .connect, errorMessage: "no address")
        for address in destination.addresses.prefix(Self.addressesTried) where NIODeadline.now() < deadline {
            let unreached: Bool
            (outcome, unreached) = await post(request, host: destination.host, address: address, deadline: deadline, now: now, elapsed: elapsed)
            guard unreached else { break }
        }
        return outcome
    }

    /// How many of a name's checked addresses one attempt tries when the first cannot be reached.
    static let addressesTried = 3

    /// Sends `request` over the connection to `address`; says whether the address could not be reached at all.
    private func post(
        _ request: HTTPClientRequest,
        host: String,
        address: ResolvedAddress,
        deadline: NIODeadline,
        now: Date,
        elapsed: () -> Int
    ) async -> (AttemptOutcome, unreached: Bool) {
        await clients.withClient(host: host, address: address) { client in
            guard let client else {
                return (
                    AttemptOutcome(startedAt: now, durationMilliseconds: elapsed(), errorClass: .io, errorMessage: "Switchboard is shutting down"),
                    false
                )
            }
            do {
                let response = try await client.execute(request, deadline: deadline)
                var kept = ByteBuffer()
                var read = 0
                for try await chunk in response.body {
                    read += chunk.readableBytes
                    var chunk = chunk
                    if let slice = chunk.readSlice(length: min(chunk.readableBytes, AttemptOutcome.responseBodyLimit - kept.readableBytes)) {
                        kept.writeImmutableBuffer(slice)
                    }
                    // The rest of a long answer is not needed: reading stops (and the connection is closed) rather than
                    // let a body that never ends hold the attempt, since each chunk restarts the read timeout.
                    if read >= Self.responseReadLimit { break }
                }
                let status = Int(response.status.code)
                let outcome = AttemptOutcome(
                    startedAt: now,
                    durationMilliseconds: elapsed(),
                    statusCode: status,
                    responseBody: kept.readableBytes > 0 ? String(decoding: kept.readableBytesView, as: UTF8.self) : nil,
                    retryAfter: (status == 429 || status == 503) ? Self.retryAfter(response.headers.first(name: "retry-after"), now: now) : nil
                )
                return (outcome, false)
            } catch {
                let (errorClass, message) = Self.classify(error)
                let unreached = errorClass == .connect || (error as? HTTPClientError) == .connectTimeout
                return (AttemptOutcome(startedAt: now, durationMilliseconds: elapsed(), errorClass: errorClass, errorMessage: message), unreached)
            }
        }
    }

    /// `Retry-After` as seconds or an HTTP date; capped at a day so that a receiver cannot park a delivery forever.
    static func retryAfter(_ value: String?, now: Date) -> TimeInterval? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = TimeInterval(value), seconds >= 0 { return min(seconds, 86_400) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return min(max(0, date.timeIntervalSince(now)), 86_400)
    }

    /// Sorts a transport error into the classes the deliveries log shows.
    static func classify(_ error: any Error) -> (AttemptOutcome.ErrorClass, String) {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout: return (.timeout, "the endpoint did not answer within the timeout")
            case .connectTimeout: return (.timeout, "connecting to the endpoint timed out")
            case .tlsHandshakeTimeout: return (.tls, "the TLS handshake timed out")
            case .remoteConnectionClosed: return (.io, "the endpoint closed the connection before answering")
            default: return (.io, "HTTP client error: \(error)")
            }
        }
        let text = String(describing: error)
        let type = String(describing: Swift.type(of: error))
        if type.contains("SSL") || type.contains("TLS") || text.contains("handshake") { return (.tls, "TLS error: \(text)") }
        if text.contains("dns") || text.contains("DNS") || text.contains("resolve") { return (.dns, "the host could not be resolved") }
        if text.contains("connect") || text.contains("refused") || type.contains("Connection") { return (.connect, "could not connect: \(text)") }
        return (.io, text)
    }
}
