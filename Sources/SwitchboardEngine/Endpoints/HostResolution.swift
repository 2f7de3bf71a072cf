import Foundation
import NIOCore
import NIOPosix
import SwitchboardDomain
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One IP address a host name resolved to (or that a URL names itself).
public struct ResolvedAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 (IPv6), in network order.
    public let bytes: [UInt8]
    public var isIPv6: Bool { bytes.count == 16 }

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 4 || bytes.count == 16, "an IP address has 4 or 16 bytes")
        self.bytes = bytes
    }

    /// The address written as `text` (dotted IPv4 or IPv6, without brackets), or nil when `text` is not an address.
    public init?(literal text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.init(bytes: withUnsafeBytes(of: v4) { Array($0) })
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            self.init(bytes: withUnsafeBytes(of: v6) { Array($0) })
        } else {
            return nil
        }
    }

    /// Why the address policy refuses this address, or nil when it is a public unicast address.
    var refusal: String? {
        isIPv6 ? AddressPolicy.refusal(forIPv6: bytes) : AddressPolicy.refusal(forIPv4: bytes)
    }

    /// The address as text a socket address can be made from (IPv6 uncompressed, without brackets).
    public var description: String {
        isIPv6
            ? stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")
            : bytes.map(String.init).joined(separator: ".")
    }
}

/// Looks up a host name's addresses.
public typealias HostResolver = @Sendable (_ host: String) async throws -> [ResolvedAddress]

/// The system's resolver: getaddrinfo on NIO's blocking-I/O pool, so that a slow resolver never blocks the
/// cooperative pool.
public let systemHostResolver: HostResolver = { host in
    try await NIOThreadPool.singleton.runIfActive {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &result)
        guard status == 0, let first = result else { throw EndpointGuard.Refusal(description: "unresolvable") }
        defer { freeaddrinfo(first) }
        var addresses: [ResolvedAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let address = entry.pointee.ai_addr {
                if entry.pointee.ai_family == AF_INET {
                    let ipv4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
                    addresses.append(ResolvedAddress(bytes: withUnsafeBytes(of: ipv4) { Array($0) }))
                } else if entry.pointee.ai_family == AF_INET6 {
                    let ipv6 = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    addresses.append(ResolvedAddress(bytes: withUnsafeBytes(of: ipv6) { Array($0) }))
                }
            }
            cursor = entry.pointee.ai_next
        }
        // getaddrinfo lists an address once per socket type it supports; one of each is enough.
        var seen = Set<ResolvedAddress>()
        return addresses.filter { seen.insert($0).inserted }
    }
}

/// Host names' addresses, each kept for a while: attempts to one endpoint share a lookup instead of resolving the
/// name before every request, and lookups of a name that run at the same time are one.
final class ResolutionCache: Sendable {
    private let resolver: HostResolver
    private let lifetime: Duration
    private let entries = Mutex([String: Entry]())

    private struct Entry {
        let lookup: Task<[ResolvedAddress], any Error>
        let started: ContinuousClock.Instant
    }

    init(resolver: @escaping HostResolver, lifetime: Duration) {
        self.resolver = resolver
        self.lifetime = lifetime
    }

    /// The addresses of `host`, looked up at most `lifetime` ago. A failed lookup is not kept.
    func addresses(of host: String) async throws -> [ResolvedAddress] {
        let now = ContinuousClock.now
        let entry = entries.withLock { entries in
            if let entry = entries[host], now - entry.started < lifetime { return entry }
            // Expired entries of other names go when a name is looked up afresh.
            entries = entries.filter { now - $0.value.started < lifetime }
            let entry = Entry(lookup: Task { [resolver] in try await resolver(host) }, started: now)
            entries[host] = entry
            return entry
        }
        do {
            return try await entry.lookup.value
        } catch {
            entries.withLock { entries in
                if entries[host]?.started == entry.started { entries[host] = nil }
            }
            throw error
        }
    }
}
