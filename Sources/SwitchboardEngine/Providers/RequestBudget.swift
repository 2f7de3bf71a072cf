import Foundation
import SwitchboardDomain
import Synchronization

/// A provider's rate limit for one integration, shared by everything that calls the provider for it: live
/// sync and resync take requests from the same budget, so that together they stay under the limit.
///
/// The limit is a rolling window (HubSpot: 100 requests in any 10 s). Live sync comes first: while a live
/// request waits, background work (resync) takes nothing, so a live request gets the next slot that frees
/// up; background work also leaves a reserve of 1% unused, and spreads its requests evenly over the window
/// (making up at most a few slots after a pause). A 429 stops every caller until the provider's wait is over
/// (adaptive: the budget believes the provider over its own count).
///
/// The limit is the provider's, for all of Switchboard: when several processes use one integration's budget at
/// once, each takes the part of it that `RateBudgetSharing` allows (`allow(_:)`), from what each says it needs
/// (`demand(within:)`).
public final class RequestBudget: Sendable {
    /// Who is asking: live sync goes first; background work yields to it.
    public enum Priority: Sendable {
        case live
        case background
    }

    /// Requests per window: as configured, until the provider says otherwise (`adopt(limit:)`).
    public var limit: Int { state.withLock { $0.limit } }
    public let window: TimeInterval
    /// Requests per window that background work leaves to live sync.
    public let reserve: Int
    private let state: Mutex<State>

    private struct State {
        var limit: Int
        /// Start times of the requests in the current window, oldest first.
        var sent: [ContinuousClock.Instant] = []
        var blockedUntil: ContinuousClock.Instant?
        /// Why the provider stopped the budget for long (a daily quota), to say while callers are turned away.
        var blockedDetail: String?
        /// Live requests waiting for a slot: background work waits while there are any.
        var liveWaiting = 0
        /// When background work last took a request: live sync gathers more per call while it runs.
        var lastBackground: ContinuousClock.Instant?
        /// When background work may take its next request (its even schedule).
        var nextBackground: ContinuousClock.Instant?
        /// Requests per window this process may take, when other processes use the limit too.
        var allowance: Int?
        /// When a request last asked for a slot.
        var lastUse: ContinuousClock.Instant?
        /// When a live request last had to wait for a slot.
        var lastLiveWait: ContinuousClock.Instant?
    }

    /// A budget of `limit` requests per rolling `window`. The window is measured from when a request leaves
    /// here, so a small margin is added for the time it takes to reach the provider.
    public init(limit: Int, window: TimeInterval, reserve: Int? = nil) {
        self.window = window
        self.reserve = min(max(0, reserve ?? max(1, limit / 100)), max(0, limit - 1))
        state = Mutex(State(limit: max(1, limit)))
    }

    /// A budget that never waits (providers without a request-rate limit) except after a 429.
    public static func unlimited() -> RequestBudget {
        RequestBudget(limit: .max / 2, window: 0, reserve: 0)
    }

    /// The margin added to the window for travel time.
    static let margin: Duration = .milliseconds(100)

    /// The window as a duration.
    private var windowDuration: Duration { .milliseconds(Int64(window * 1000)) }

    /// How long a request counts against the limit: the window and the margin.
    private var span: Duration { windowDuration + Self.margin }

    /// How many evenly spaced background requests a pause may make up at once.
    static let catchUp = 5

    /// Whether background work used the budget in the last window, or another process takes part of the limit (a
    /// resync there): requests are scarce, so live sync should gather more activity into each call.
    public var contended: Bool {
        guard window > 0 else { return false }
        return state.withLock { state in
            if let allowance = state.allowance, allowance < state.limit { return true }
            return state.lastBackground.map { ContinuousClock.now - $0 < windowDuration } ?? false
        }
    }

    /// Lets this process take `requests` per window from now on (1 to the whole limit).
    public func allow(_ requests: Int) {
        state.withLock { $0.allowance = min($0.limit, max(1, requests)) }
    }

    /// The provider's own figure for the limit (HubSpot's `X-HubSpot-RateLimit-Max`: 100 per 10 s on Free and
    /// Starter, 190 on Professional and Enterprise) replaces the configured one.
    public func adopt(limit: Int) {
        guard limit > 0 else { return }
        state.withLock { state in
            guard state.limit != limit else { return }
            state.limit = limit
            if let allowance = state.allowance { state.allowance = min(allowance, limit) }
        }
    }

    /// The requests per window this process may take.
    public var allowance: Int { state.withLock { $0.allowance ?? $0.limit } }

    /// How many requests per window this process needs: all of the limit while background work (a resync, which
    /// takes whatever it gets) ran within `recent`; twice its allowance when a live request had to wait (live traffic
    /// grows step by step instead of claiming the whole limit for one burst); otherwise what it sent in the last window.
    public func demand(within recent: Duration) -> Int {
        state.withLock { state in
            let now = ContinuousClock.now
            if let last = state.lastBackground, now - last < recent { return state.limit }
            let sent = state.sent.reduce(0) { $0 + (now - $1 < span ? 1 : 0) }
            if let last = state.lastLiveWait, now - last < recent {
                return min(state.limit, max(2 * (state.allowance ?? state.limit), sent + 2))
            }
            return sent
        }
    }

    /// Whether a request asked for a slot within `recent`.
    public func used(within recent: Duration) -> Bool {
        state.withLock { state in state.lastUse.map { ContinuousClock.now - $0 < recent } ?? false }
    }

    /// The budget is stopped for longer than a caller waits (`longestWait`): a provider's long 429 (a daily quota,
    /// a Retry-After of minutes). Nothing waits that out inside a call, holding a delivery's claim or a manager's
    /// request: `acquire` throws this at once, for the caller to try again after `retryAfter`.
    public struct Exhausted: Error, Sendable {
        public let retryAfter: TimeInterval
        public let detail: String?
    }

    /// The longest `acquire` waits for a stop to end.
    public static let longestWait: Duration = .seconds(30)

    /// Waits until a request may be sent, and counts it; throws `Exhausted` when the budget is stopped for longer
    /// than `longestWait`.
    public func acquire(_ priority: Priority = .live) async throws {
        var waiting = false
        defer {
            if waiting { state.withLock { $0.liveWaiting -= 1 } }
        }
        while true {
            var exhausted: Exhausted?
            let wait: Duration? = state.withLock { state in
                let now = ContinuousClock.now
                state.lastUse = now
                if let blocked = state.blockedUntil, blocked - now > Self.longestWait {
                    exhausted = Exhausted(retryAfter: Double((blocked - now).wholeMilliseconds) / 1000, detail: state.blockedDetail)
                    return nil
                }
                // This process's share of the limit, and of the reserve that background work leaves to live sync.
                let limit = state.allowance ?? state.limit
                let allowed = priority == .live ? limit : limit - min(reserve, limit - 1)
                let spacing = span / limit
                if let blocked = state.blockedUntil, blocked > now { return blocked - now }
                if window <= 0 { return nil }
                if let firstLive = state.sent.firstIndex(where: { now - $0 < span }), firstLive > 0 {
                    state.sent.removeFirst(firstLive)
                } else if let last = state.sent.last, now - last >= span {
                    state.sent.removeAll(keepingCapacity: true)
                }
                let yielding = priority == .background && state.liveWaiting > 0
                // Background work is spread evenly over the window instead of taking it in one burst, so that
                // requests leave the window one by one and a live request never waits long for a free one.
                if priority == .background, !yielding, state.sent.count < allowed, let next = state.nextBackground, now < next {
                    return next - now
                }
                if state.sent.count < allowed && !yielding {
                    state.sent.append(now)
                    if priority == .background {
                        state.lastBackground = now
                        // A pause (between pages, say) may be made up by a short burst, not more: slots left unused
                        // are otherwise lost for good.
                        state.nextBackground = max(state.nextBackground ?? now, now - spacing * Self.catchUp) + spacing
                    }
                    return nil
                }
                if priority == .live {
                    state.lastLiveWait = now
                    if !waiting {
                        waiting = true
                        state.liveWaiting += 1
                    }
                }
                if yielding || state.sent.count < allowed { return .milliseconds(5) }
                // The request that leaves the window soonest makes room.
                return state.sent[state.sent.count - allowed] + span - now
            }
            if let exhausted { throw exhausted }
            guard let wait else { return }
            try await Task.sleep(for: wait)
        }
    }

    /// The provider answered 429: nobody sends for `retryAfter` (or a whole window when it did not say); `detail`
    /// says why when the wait is a long one (a daily quota used up).
    public func throttled(retryAfter: TimeInterval?, detail: String? = nil) {
        let seconds = retryAfter ?? max(window, 1)
        state.withLock { state in
            let until = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
            if until >= state.blockedUntil ?? until { state.blockedDetail = detail }
            state.blockedUntil = max(state.blockedUntil ?? until, until)
        }
    }
}
