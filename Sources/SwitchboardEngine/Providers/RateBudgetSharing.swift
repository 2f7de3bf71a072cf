import Foundation
import Logging
import ServiceLifecycle
import SwitchboardStore

/// Splits each integration's provider rate limit among the processes using it.
///
/// A provider's limit (HubSpot: 100 requests per 10 s per token) is for all of Switchboard, but each process keeps its
/// own count: with several workers on one PostgreSQL, live sync in one and a resync in another would each take the
/// whole limit and run into 429s. Every `interval`, each process records in the store which integrations' budgets it
/// used lately and how many requests per window it needs of each (`RequestBudget.demand`: all of the limit for a
/// resync, twice its allowance for live sync that had to wait, else what it sent), reads the others' needs, and
/// allows itself its max-min fair part (`allowance`): a trickle of live sync gets what it needs with room to spare,
/// and a resync the rest. A process that starts using a budget takes the whole limit until its next round (and the
/// others learn of it at theirs), so for up to about one interval they may together exceed the limit; the provider's
/// 429 then stops them (`RequestBudget.throttled`).
public struct RateBudgetSharing: Service {
    let store: Store
    let sessions: ProviderSessions
    let workerID: String
    let interval: Duration
    let logger: Logger

    public init(store: Store, sessions: ProviderSessions, workerID: String, interval: Duration = .seconds(2), logger: Logger) {
        self.store = store
        self.sessions = sessions
        self.workerID = workerID
        self.interval = interval
        self.logger = logger
    }

    /// A budget counts as used for a few rounds after its last request, so that a short pause (between pages of a
    /// resync, say) does not hand its share to the others and take it back a moment later.
    var recent: Duration { interval * 3 }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await round()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Records this process's budgets in use with what it needs of each, and applies each one's allowance.
    public func round(now: Date = Date()) async {
        let inUse = sessions.budgetsInUse(within: recent).filter { $0.value.window > 0 }
        guard !inUse.isEmpty else { return }
        do {
            let demands = inUse.mapValues { $0.demand(within: recent) }
            let users = try await store.shareRateBudgets(workerID: workerID, demands: demands, recent: recent, now: now)
            for (integrationID, budget) in inUse {
                var others = users[integrationID] ?? [:]
                others[workerID] = nil
                budget.allow(Self.allowance(limit: budget.limit, demand: demands[integrationID] ?? 0, others: Array(others.values)))
            }
        } catch {
            // The shares stay as they were until the store answers again.
            logger.warning("could not share rate budgets with other processes", metadata: ["error": "\(error)"])
        }
    }

    /// This process's max-min fair part of `limit`, needing `demand` while the other processes need `others`. Each need
    /// gets room to grow, twice it and 4 more, as live sync comes in bursts (and a live request that waits makes its
    /// process ask for more, which costs the others for a few rounds). Every process gets its need up to the highest
    /// level that fits within the limit, and what is left over once all needs are met is split evenly. Every process
    /// computes the same level, so together they never exceed the limit; a process alone has all of it.
    static func allowance(limit: Int, demand: Int, others: [Int]) -> Int {
        func wanted(_ demand: Int) -> Int { demand >= limit ? limit : min(limit, 2 * demand + 4) }
        let needs = (others + [demand]).map(wanted)
        func granted(at level: Int) -> Int { needs.reduce(0) { $0 + min($1, level) } }
        var (low, high) = (0, limit)
        while low < high {
            let level = (low + high + 1) / 2
            if granted(at: level) <= limit { low = level } else { high = level - 1 }
        }
        let leftOver = (limit - granted(at: low)) / needs.count
        return max(1, min(wanted(demand), low) + leftOver)
    }
}
