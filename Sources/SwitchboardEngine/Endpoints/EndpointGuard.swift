import Foundation
import Synchronization

/// Refuses webhook targets that would let a workspace reach the operator's own network (SPEC §5):
/// checked when an integration is saved and again, after DNS resolution, before every attempt.
///
/// A check names the address it approved (`Destination`), and attempts connect to that address only
/// (`PinnedClients`): the HTTP client never resolves the name again, so a name that answers a public address
/// to the check and a private one a moment later (DNS rebinding) cannot steer an attempt inside.
public struct EndpointGuard: Sendable {
    /// Why a target was refused; the message is shown to the manager as is.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
        /// True when the host's name could not be resolved (a DNS failure, not a refused address).
        public let unresolved: Bool

        public init(description: String, unresolved: Bool = false) {
            self.description = description
            self.unresolved = unresolved
        }
    }

    /// Where an attempt may connect: the URL's host and the addresses checked for it.
    public struct Destination: Sendable, Hashable {
        /// The host as the HTTP client reads it from the URL (for a name: what TLS verifies and `Host` carries).
        public let host: String
        /// The checked addresses to connect to, in the order to try them (IPv4 first, as local development servers
        /// often listen on IPv4 only); when the host is itself an address, that address.
        public let addresses: [ResolvedAddress]

        /// The address tried first.
        public var address: ResolvedAddress { addresses[0] }
    }

    /// When true (development and tests), loopback and private targets and plain `http://` are allowed.
    public let allowPrivateTargets: Bool
    private let resolutions: ResolutionCache
    private let approvals: Approvals

    /// A guard; `allowPrivateTargets` comes from `SWITCHBOARD_ALLOW_PRIVATE_TARGETS`. A name's addresses are looked up
    /// with `resolver` at most once per `resolutionLifetime`.
    public init(allowPrivateTargets: Bool, resolutionLifetime: Duration = .seconds(30), resolver: @escaping HostResolver = systemHostResolver) {
        self.allowPrivateTargets = allowPrivateTargets
        self.resolutions = ResolutionCache(resolver: resolver, lifetime: resolutionLifetime)
        self.approvals = Approvals(lifetime: resolutionLifetime)
    }

    /// Checks the URL's form: absolute, `https://` (or `http://` where allowed), with a host and no credentials.
    public func validateForm(_ text: String) throws(Refusal) -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host(), !host.isEmpty else {
            throw Refusal(description: "must be an absolute URL such as https://example.com/webhooks")
        }
        guard scheme == "https" || (scheme == "http" && allowPrivateTargets) else { throw Refusal(description: "must use https://") }
        guard url.user() == nil, url.password() == nil else { throw Refusal(description: "must not contain a user name or password") }
        return url
    }

    /// Checks the form, then every address the host resolves to; returns them, in the order to try them.
    ///
    /// A URL approved less than the resolution lifetime ago is approved again without parsing it: attempts at one
    /// endpoint cost a dictionary lookup, not a URL parse and a lookup each.
    @discardableResult
    public func check(_ text: String) async throws(Refusal) -> Destination {
        if let destination = approvals.destination(of: text) { return destination }
        let destination = try await checkAfresh(text)
        approvals.keep(destination, of: text)
        return destination
    }

    private func checkAfresh(_ text: String) async throws(Refusal) -> Destination {
        let url = try validateForm(text)
        // The host as AsyncHTTPClient takes it from the URL, without the brackets of an IPv6 literal.
        let host = (url.host(percentEncoded: false) ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let addresses: [ResolvedAddress]
        if let literal = ResolvedAddress(literal: host) {
            addresses = [literal]
        } else {
            do {
                addresses = try await resolutions.addresses(of: host)
            } catch {
                throw Refusal(description: "the host \(host) could not be resolved", unresolved: true)
            }
        }
        guard !addresses.isEmpty else { throw Refusal(description: "the host \(host) could not be resolved", unresolved: true) }
        if !allowPrivateTargets {
            for address in addresses {
                if let reason = address.refusal { throw Refusal(description: "the host \(host) resolves to \(address), which \(reason)") }
            }
        }
        return Destination(host: host, addresses: addresses.filter { !$0.isIPv6 } + addresses.filter(\.isIPv6))
    }
}

/// URLs approved recently, with the destination each was approved for.
private final class Approvals: Sendable {
    private let lifetime: Duration
    private let approved = Mutex([String: (destination: EndpointGuard.Destination, at: ContinuousClock.Instant)]())

    init(lifetime: Duration) {
        self.lifetime = lifetime
    }

    func destination(of url: String) -> EndpointGuard.Destination? {
        let now = ContinuousClock.now
        return approved.withLock { approved in
            guard let entry = approved[url], now - entry.at < lifetime else { return nil }
            return entry.destination
        }
    }

    func keep(_ destination: EndpointGuard.Destination, of url: String) {
        let now = ContinuousClock.now
        approved.withLock { approved in
            // Approvals that have run out go when a URL is approved afresh.
            if approved.count >= 64 { approved = approved.filter { now - $0.value.at < lifetime } }
            approved[url] = (destination, now)
        }
    }
}
