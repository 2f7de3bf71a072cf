import Foundation
import NIOCore
import NIOPosix
import SwitchboardDomain

#if canImport(Glibc)
import Glibc
#endif

/// Refuses webhook targets that would let a workspace reach the operator's own network (SPEC §5):
/// checked when an integration is saved and again, after DNS resolution, before every attempt.
public struct EndpointGuard: Sendable {
    /// Why a target was refused; the message is shown to the manager as is.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// When true (development and tests), loopback and private targets and plain `http://` are allowed.
    public let allowPrivateTargets: Bool

    /// A guard; `allowPrivateTargets` comes from `SWITCHBOARD_ALLOW_PRIVATE_TARGETS`.
    public init(allowPrivateTargets: Bool) {
        self.allowPrivateTargets = allowPrivateTargets
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

    /// Checks the form, then every address the host resolves to.
    public func check(_ text: String) async throws(Refusal) {
        let url = try validateForm(text)
        guard !allowPrivateTargets, let host = url.host() else { return }
        let addresses: [ResolvedAddress]
        do {
            addresses = try await Self.resolve(host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")))
        } catch {
            throw Refusal(description: "the host \(host) could not be resolved")
        }
        guard !addresses.isEmpty else { throw Refusal(description: "the host \(host) could not be resolved") }
        for address in addresses {
            let reason = address.isIPv6 ? AddressPolicy.refusal(forIPv6: address.bytes) : AddressPolicy.refusal(forIPv4: address.bytes)
            if let reason { throw Refusal(description: "the host \(host) resolves to \(address.text), which \(reason)") }
        }
    }

    struct ResolvedAddress: Sendable {
        let bytes: [UInt8]
        let isIPv6: Bool
        var text: String {
            isIPv6
                ? stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")
                : bytes.map(String.init).joined(separator: ".")
        }
    }

    /// getaddrinfo on NIO's blocking-I/O pool, so that a slow resolver never blocks the cooperative pool.
    static func resolve(host: String) async throws -> [ResolvedAddress] {
        try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var result: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(host, nil, &hints, &result)
            guard status == 0, let first = result else { throw Refusal(description: "unresolvable") }
            defer { freeaddrinfo(first) }
            var addresses: [ResolvedAddress] = []
            var cursor: UnsafeMutablePointer<addrinfo>? = first
            while let entry = cursor {
                if let address = entry.pointee.ai_addr {
                    if entry.pointee.ai_family == AF_INET {
                        let ipv4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
                        addresses.append(ResolvedAddress(bytes: withUnsafeBytes(of: ipv4) { Array($0) }, isIPv6: false))
                    } else if entry.pointee.ai_family == AF_INET6 {
                        let ipv6 = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                        addresses.append(ResolvedAddress(bytes: withUnsafeBytes(of: ipv6) { Array($0) }, isIPv6: true))
                    }
                }
                cursor = entry.pointee.ai_next
            }
            return addresses
        }
    }
}
