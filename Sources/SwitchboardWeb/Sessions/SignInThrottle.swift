import NIOCore
import Synchronization

/// Failed sign-ins by client, to slow down guessing: an attempt is admitted only while its client has fewer than
/// `limit` failures (and attempts in progress) within `window`; past that the client is refused — even a right key or
/// link — until its oldest failure leaves the window.
///
/// Keys and links are long random tokens that no guessing finds; the throttle keeps a script from turning the form into
/// load on the database. It is per process. Only failures count (an attempt that signs in is forgiven), so people who
/// sign in are never held up by others who do; behind a reverse proxy every browser shares the proxy's address and so
/// its allowance, which a script could use up for a minute, leaving the API and existing sessions as they are.
final class SignInThrottle: Sendable {
    let limit: Int
    let window: Duration
    /// Clients remembered at most: spraying addresses cannot grow memory past it.
    let capacity: Int
    private let attempts = Mutex<[String: [ContinuousClock.Instant]]>([:])

    init(limit: Int = 10, window: Duration = .seconds(60), capacity: Int = 10_000) {
        self.limit = limit
        self.window = window
        self.capacity = capacity
    }

    /// Who a peer counts as: its IPv4 address, or its IPv6 /64 (one subscriber's network holds many addresses).
    static func client(_ address: SocketAddress?) -> String {
        guard case .v6(let v6) = address else { return address?.ipAddress ?? "unknown" }
        let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
        // An IPv4 client on a dual-stack socket arrives as ::ffff:a.b.c.d.
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return bytes[12...].map(String.init).joined(separator: ".")
        }
        return stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":") + "::/64"
    }

    /// Admits an attempt of `client` (counted as a failure until `succeeded`), or says how long it must wait. Checking and
    /// counting are one step, so that attempts sent at once cannot all pass a check made before any of them counted.
    func admit(_ client: String, now: ContinuousClock.Instant = .now) -> Duration? {
        attempts.withLock { all in
            let recent = all[client]?.filter { now - $0 < window } ?? []
            if recent.count >= limit, let oldest = recent.first {
                all[client] = recent
                return window - (now - oldest)
            }
            if all[client] == nil && all.count >= capacity { Self.makeRoom(in: &all, capacity: capacity, now: now, window: window) }
            all[client] = recent + [now]
            return nil
        }
    }

    /// An admitted attempt of `client` signed in: it does not count.
    func succeeded(_ client: String) {
        attempts.withLock { all in
            guard var times = all[client], !times.isEmpty else { return }
            times.removeLast()
            all[client] = times.isEmpty ? nil : times
        }
    }

    /// How many clients are remembered now.
    var remembered: Int { attempts.withLock { $0.count } }

    /// Forgets clients whose failures all left the window; if that leaves none free, the one whose last failure is oldest.
    private static func makeRoom(in all: inout [String: [ContinuousClock.Instant]], capacity: Int, now: ContinuousClock.Instant, window: Duration) {
        all = all.filter { _, times in times.last.map { now - $0 < window } ?? false }
        guard all.count >= capacity, let stalest = all.min(by: { ($0.value.last ?? now) < ($1.value.last ?? now) })?.key else { return }
        all[stalest] = nil
    }
}
