import Foundation
import SwitchboardProviders
import Synchronization

/// A rolling-window request limit per key (a token, an account): at most `limit` requests in any `window`.
/// Emulators use it to answer 429 exactly where the real provider would.
public final class RollingWindowLimiter: Sendable {
    public let limit: Int
    public let window: TimeInterval
    private let admitted = Mutex<[String: [Date]]>([:])

    public init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Admits one request for `key` at `now` and returns how many remain in the window, or nil when the
    /// request is over the limit (and is not counted).
    public func admit(_ key: String, now: Date = Date()) -> Int? {
        admitted.withLock { admitted in
            var times = admitted[key, default: []]
            times.removeAll { now.timeIntervalSince($0) >= window }
            guard times.count < limit else {
                admitted[key] = times
                return nil
            }
            times.append(now)
            admitted[key] = times
            return limit - times.count
        }
    }

    /// Whole seconds until `key` may send again (at least 1): when its oldest request leaves the window.
    public func retryAfter(_ key: String, now: Date = Date()) -> Int {
        admitted.withLock { admitted in
            guard let oldest = admitted[key]?.first else { return 1 }
            return max(1, Int((window - now.timeIntervalSince(oldest)).rounded(.up)))
        }
    }
}
