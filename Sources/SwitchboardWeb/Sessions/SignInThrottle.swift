import Synchronization

/// Failed sign-ins by client address, to slow down guessing: past `limit` failures within `window`, an address is
/// refused (even a right key or link) until its oldest failure leaves the window.
///
/// Keys and links are long random tokens that no guessing finds; the throttle keeps a script from turning the form into
/// load on the database. It is per process. Only failures count, so people who sign in are never held up by others
/// who do; behind a reverse proxy every browser shares the proxy's address and so its allowance, which a script could
/// use up for a minute, leaving the API and existing sessions as they are.
final class SignInThrottle: Sendable {
    let limit: Int
    let window: Duration
    /// Addresses remembered at most: spraying addresses cannot grow memory past it.
    let capacity: Int
    private let failures = Mutex<[String: [ContinuousClock.Instant]]>([:])

    init(limit: Int = 10, window: Duration = .seconds(60), capacity: Int = 10_000) {
        self.limit = limit
        self.window = window
        self.capacity = capacity
    }

    /// How long `client` must wait before trying again; nil when it may try now.
    func wait(for client: String, now: ContinuousClock.Instant = .now) -> Duration? {
        failures.withLock { all in
            guard let recent = all[client]?.filter({ now - $0 < window }) else { return nil }
            all[client] = recent.isEmpty ? nil : recent
            guard recent.count >= limit, let oldest = recent.first else { return nil }
            return window - (now - oldest)
        }
    }

    /// How many addresses are remembered now.
    var remembered: Int { failures.withLock { $0.count } }

    /// A failed sign-in from `client`.
    func recordFailure(of client: String, now: ContinuousClock.Instant = .now) {
        failures.withLock { all in
            if all[client] == nil, all.count >= capacity {
                all = all.filter { _, times in times.last.map { now - $0 < window } ?? false }
                if all.count >= capacity { all.remove(at: all.startIndex) }
            }
            var times = all[client, default: []].filter { now - $0 < window }
            times.append(now)
            all[client] = Array(times.suffix(limit))
        }
    }
}
