import Foundation
import Synchronization

/// A provider's rate limit for one integration, shared by everything that calls the provider for it: live
/// sync and resync take requests from the same budget, so that together they stay under the limit.
///
/// The limit is a rolling window (HubSpot: 100 requests in any 10 s). Background work (resync) may use all
/// but a reserve, so that live events always find room. A 429 stops every caller until the provider's
/// wait is over (adaptive: the budget believes the provider over its own count).
public final class RequestBudget: Sendable {
    /// Who is asking: live sync may use the whole window, background work all but the reserve.
    public enum Priority: Sendable {
        case live
        case background
    }

    public let limit: Int
    public let window: TimeInterval
    /// Requests per window that background work leaves to live sync.
    public let reserve: Int
    private let state: Mutex<State>

    private struct State {
        /// Start times of the requests in the current window, oldest first.
        var sent: [ContinuousClock.Instant] = []
        var blockedUntil: ContinuousClock.Instant?
    }

    /// A budget of `limit` requests per rolling `window`. The window is measured from when a request leaves
    /// here, so a small margin is added for the time it takes to reach the provider.
    public init(limit: Int, window: TimeInterval, reserve: Int? = nil) {
        self.limit = max(1, limit)
        self.window = window
        self.reserve = min(max(0, reserve ?? max(1, limit / 20)), max(0, limit - 1))
        state = Mutex(State())
    }

    /// A budget that never waits (providers without a request-rate limit).
    public static func unlimited() -> RequestBudget {
        RequestBudget(limit: .max / 2, window: 0, reserve: 0)
    }

    /// The margin added to the window for travel time.
    static let margin: Duration = .milliseconds(150)

    /// Waits until a request may be sent, and counts it.
    public func acquire(_ priority: Priority = .live) async throws {
        let allowed = priority == .live ? limit : limit - reserve
        let span = Duration.milliseconds(Int64(window * 1000)) + Self.margin
        while true {
            let wait: Duration? = state.withLock { state in
                let now = ContinuousClock.now
                if let blocked = state.blockedUntil, blocked > now { return blocked - now }
                if window <= 0 { return nil }
                if let firstLive = state.sent.firstIndex(where: { now - $0 < span }), firstLive > 0 {
                    state.sent.removeFirst(firstLive)
                } else if let last = state.sent.last, now - last >= span {
                    state.sent.removeAll(keepingCapacity: true)
                }
                if state.sent.count < allowed {
                    state.sent.append(now)
                    return nil
                }
                // The request that leaves the window soonest makes room.
                return state.sent[state.sent.count - allowed] + span - now
            }
            guard let wait else { return }
            try await Task.sleep(for: wait)
        }
    }

    /// The provider answered 429: nobody sends for `retryAfter` (or a whole window when it did not say).
    public func throttled(retryAfter: TimeInterval?) {
        let seconds = retryAfter ?? max(window, 1)
        state.withLock { state in
            let until = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
            state.blockedUntil = max(state.blockedUntil ?? until, until)
        }
    }
}
