import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import SwitchboardDomain

/// A small SMTP client on SwiftNIO (RFC 5321): EHLO, STARTTLS when offered, AUTH PLAIN when credentials are
/// configured, then one message per connection. No Swift SMTP library is available here, and notifications
/// need nothing more.
public struct SMTPClient: Sendable {
    let configuration: SMTPConfiguration
    let group: any EventLoopGroup
    /// The longest a whole conversation may take once connected: a server that stops answering never holds the
    /// notifications behind it for longer.
    let timeout: TimeAmount

    public init(
        configuration: SMTPConfiguration,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        timeout: TimeAmount = .seconds(60)
    ) {
        self.configuration = configuration
        self.group = group
        self.timeout = timeout
    }

    /// Sends one plain-text message to `recipients`.
    public func send(to recipients: [String], subject: String, body: String, now: Date = Date()) async throws(SMTPError) {
        // Addresses go into commands and headers verbatim: nothing that could end a line or an address passes.
        for address in recipients + [configuration.from] where !EmailAddress.isMailbox(address) { throw .invalidAddress(address) }
        guard !subject.contains(where: { $0.isNewline }) else { throw .invalidAddress(subject) }
        let message = SMTPMessage(from: configuration.from, to: recipients, subject: subject, body: body, date: now)
        let channel: NIOAsyncChannel<SMTPReply, ByteBuffer>
        do {
            channel = try await connect()
        } catch {
            throw .connection("\(configuration.host):\(configuration.port): \(error)")
        }
        // At the deadline the connection is closed, which ends whatever step is waiting for a reply.
        let connected = ContinuousClock.now
        let deadline = channel.channel.eventLoop.scheduleTask(in: timeout) { channel.channel.close(promise: nil) }
        defer { deadline.cancel() }
        do {
            try await channel.executeThenClose { inbound, outbound in
                var session = SMTPSession(replies: inbound.makeAsyncIterator(), outbound: outbound)
                try await converse(&session, channel: channel.channel, message: message)
            }
        } catch {
            if ContinuousClock.now - connected >= .nanoseconds(timeout.nanoseconds) {
                let seconds = String(format: "%g", Double(timeout.nanoseconds) / 1e9)
                throw .connection("\(configuration.host):\(configuration.port): no answer within \(seconds) s; the connection was closed")
            }
            if let error = error as? SMTPError { throw error }
            throw .connection("\(configuration.host):\(configuration.port): \(error)")
        }
    }

    private func converse(_ session: inout SMTPSession, channel: any Channel, message: SMTPMessage) async throws {
        _ = try await session.expect(220, during: "the greeting")
        var features = try await session.command("EHLO switchboard", expect: 250)
        var encrypted = configuration.implicitTLS
        if !encrypted && features.offers("STARTTLS") {
            _ = try await session.command("STARTTLS", expect: 220)
            let (context, host) = (try tlsContext(), serverName)
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: host), position: .first)
            }.get()
            features = try await session.command("EHLO switchboard", expect: 250)
            encrypted = true
        }
        if let username = configuration.username {
            // A server that does not offer STARTTLS, or a network that stripped it from the reply, would get the
            // password in clear text: the message is not sent at all.
            guard encrypted else { throw SMTPError.insecure("\(configuration.host):\(configuration.port)") }
            guard features.offers("AUTH") else { throw SMTPError.refused(code: 0, reply: "no AUTH offered", during: "login") }
            let token = Data("\u{0}\(username)\u{0}\(configuration.password ?? "")".utf8).base64EncodedString()
            _ = try await session.command("AUTH PLAIN \(token)", expect: 235, logged: "AUTH PLAIN …")
        }
        _ = try await session.command("MAIL FROM:<\(message.from)>", expect: 250)
        for recipient in message.to {
            _ = try await session.command("RCPT TO:<\(recipient)>", expect: 250...251)
        }
        _ = try await session.command("DATA", expect: 354)
        _ = try await session.command(message.data + ".", expect: 250, logged: "the message")
        _ = try? await session.command("QUIT", expect: 221)
    }

    private func connect() async throws -> NIOAsyncChannel<SMTPReply, ByteBuffer> {
        let tls = configuration.implicitTLS ? try tlsContext() : nil
        let host = serverName
        return try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .connect(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: host)) }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                    return try NIOAsyncChannel<SMTPReply, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// The name sent as SNI and checked against the certificate; for an IP address none is sent and the
    /// certificate is checked against the address (SNI cannot carry one).
    private var serverName: String? {
        let host = configuration.host
        return host.allSatisfy { $0.isNumber || $0 == "." } || host.contains(":") ? nil : host
    }

    private func tlsContext() throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let roots = configuration.trustRoots { tls.trustRoots = roots }
        return try NIOSSLContext(configuration: tls)
    }
}

/// One side of the conversation: send a line, read the reply, check its code.
struct SMTPSession {
    var replies: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    mutating func expect(_ codes: ClosedRange<Int>, during: String) async throws -> SMTPReply {
        guard let reply = try await replies.next() else { throw SMTPError.connection("closed by the server during \(during)") }
        guard codes.contains(reply.code) else { throw SMTPError.refused(code: reply.code, reply: reply.text, during: during) }
        return reply
    }

    mutating func expect(_ code: Int, during: String) async throws -> SMTPReply {
        try await expect(code...code, during: during)
    }

    mutating func command(_ line: String, expect codes: ClosedRange<Int>, logged: String? = nil) async throws -> SMTPReply {
        try await outbound.write(ByteBuffer(string: line + "\r\n"))
        return try await expect(codes, during: logged ?? line)
    }

    mutating func command(_ line: String, expect code: Int, logged: String? = nil) async throws -> SMTPReply {
        try await command(line, expect: code...code, logged: logged)
    }
}

/// A complete server reply: the code and its lines (`250-…` continues, `250 …` ends).
struct SMTPReply: Sendable {
    let code: Int
    let lines: [String]

    var text: String { lines.joined(separator: " / ") }

    /// Whether an EHLO reply lists an extension.
    func offers(_ keyword: String) -> Bool {
        lines.dropFirst().contains { $0.uppercased() == keyword || $0.uppercased().hasPrefix(keyword + " ") }
    }
}

/// Cuts the byte stream into replies.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply
    private var lines: [String] = []

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let end = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return .needMoreData }
        let length = end - buffer.readerIndex + 1
        guard var line = buffer.readString(length: length) else { return .needMoreData }
        line = line.trimmingCharacters(in: .newlines)
        guard line.count >= 3, let code = Int(line.prefix(3)) else { throw SMTPError.connection("unreadable reply: \(line)") }
        lines.append(String(line.dropFirst(4)))
        if line.count > 3 && line[line.index(line.startIndex, offsetBy: 3)] == "-" { return .continue }
        context.fireChannelRead(wrapInboundOut(SMTPReply(code: code, lines: lines)))
        lines = []
        return .continue
    }
}

/// A plain-text message as SMTP DATA: headers, a base64 body (safe for any text), dot-stuffing not needed.
struct SMTPMessage {
    let from: String
    let to: [String]
    let subject: String
    let body: String
    let date: Date

    /// The DATA payload, ending with CRLF (the caller sends the final ".").
    var data: String {
        let encodedSubject = subject.allSatisfy(\.isASCII) ? subject : "=?utf-8?B?\(Data(subject.utf8).base64EncodedString())?="
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let domain = from.split(separator: "@").last.map(String.init) ?? "switchboard.local"
        let headers = [
            "From: Switchboard <\(from)>", "To: \(to.joined(separator: ", "))", "Subject: \(encodedSubject)", "Date: \(formatter.string(from: date))",
            "Message-ID: <\(UUID().uuidString.lowercased())@\(domain)>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
        ]
        // Base64 lines never start with "." and stay under 998 characters.
        let encoded = Data(body.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + encoded + "\r\n"
    }
}
