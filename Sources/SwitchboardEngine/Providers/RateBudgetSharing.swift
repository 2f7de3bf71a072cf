import Foundation
import Logging
import ServiceLifecycle
import SwitchboardStore

/// Splits each integration's provider rate limit among the processes using it.
///
/// A provider's limit (HubSpot: 100 requests per 10 s per token) is for all of Switchboard, but each process keeps its
/// own count: with several workers on one PostgreSQL, live sync in one and a resync in another would each take the
/// whole limit and run into 429s. Every `interval`, each process records in the store which integrations' budgets it
/// used lately and learns how many processes use each; each then takes an equal share. A process that starts using a
/// budget takes the whole limit until its next round (and the others learn of it at theirs), so for up to about one
/// interval two processes may together exceed the limit; the provider's 429 then stops them (`RequestBudget.throttled`).
public struct RateBudgetSharing: Service {
    let store: Store
    let sessions: ContactSyncSessions
    let workerID: String
    let interval: Duration
    let logger: Logger

    public init(store: Store, sessions: ContactSyncSessions, workerID: String, interval: Duration = .seconds(2), logger: Logger) {
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

    /// Records this process's budgets in use and applies each one's share.
    public func round(now: Date = Date()) async {
        let inUse = sessions.budgetsInUse(within: recent)
        guard !inUse.isEmpty else { return }
        do {
            let users = try await store.shareRateBudgets(workerID: workerID, integrationIDs: Array(inUse.keys), recent: recent, now: now)
            for (integrationID, budget) in inUse { budget.share(among: users[integrationID] ?? 1) }
        } catch {
            // The shares stay as they were until the store answers again.
            logger.warning("could not share rate budgets with other processes", metadata: ["error": "\(error)"])
        }
    }
}
