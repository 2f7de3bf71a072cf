import Foundation
import NIOSSL

/// Where and how Switchboard sends email (`SWITCHBOARD_SMTP_URL`):
/// `smtp://[user:password@]host[:port]?from=sender@example.com` upgrades with STARTTLS whenever the server
/// offers it; `smtps://…` speaks TLS from the first byte (port 465).
public struct SMTPConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var implicitTLS: Bool
    public var username: String?
    public var password: String?
    public var from: String
    /// Certificates to trust besides the system's (a private relay's CA); nil trusts the system's only.
    public var trustRoots: NIOSSLTrustRoots?

    /// Reads an SMTP URL; throws on anything it cannot use.
    public init(url text: String, trustRoots: NIOSSLTrustRoots? = nil) throws(SMTPError) {
        guard let url = URLComponents(string: text), let scheme = url.scheme, ["smtp", "smtps"].contains(scheme), let host = url.host,
            !host.isEmpty
        else { throw .configuration("SWITCHBOARD_SMTP_URL must look like smtp://user:password@host:587?from=alerts@example.com") }
        guard let from = url.queryItems?.first(where: { $0.name == "from" })?.value, from.contains("@") else {
            throw .configuration("SWITCHBOARD_SMTP_URL needs ?from=<sender address>")
        }
        self.host = host
        implicitTLS = scheme == "smtps"
        port = url.port ?? (implicitTLS ? 465 : 587)
        username = url.user?.removingPercentEncoding
        password = url.password?.removingPercentEncoding
        self.from = from
        self.trustRoots = trustRoots
    }
}

/// Why an email could not be sent.
public enum SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    case configuration(String)
    case connection(String)
    /// An address or a subject that could smuggle commands or headers into the conversation.
    case invalidAddress(String)
    /// Credentials are configured but the connection is not encrypted (no STARTTLS offered): they are never sent.
    case insecure(String)
    /// The server answered `code` where the conversation needed another.
    case refused(code: Int, reply: String, during: String)

    public var description: String {
        switch self {
        case .configuration(let message): message
        case .connection(let message): "SMTP connection failed: \(message)"
        case .invalidAddress(let address): "not a usable email address or header: \(address.debugDescription)"
        case .insecure(let server):
            "\(server) did not offer STARTTLS, so the SMTP password was not sent in clear text and no email went out: "
                + "use a relay that offers STARTTLS, or smtps:// for TLS from the start"
        case .refused(let code, let reply, let during): "the SMTP server answered \(code) \(reply) to \(during)"
        }
    }
}

extension SMTPConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Never the password: the mailer service is described in logs.
    public var description: String { "SMTPConfiguration(host: \(host), port: \(port), password: \(password == nil ? "none" : "redacted"))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["host": host, "port": port], displayStyle: .struct) }
}
