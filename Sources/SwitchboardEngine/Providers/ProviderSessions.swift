import Foundation
import SwitchboardDomain
import SwitchboardStore
import Synchronization

/// The process's provider traffic per integration: one rate budget each, shared by live delivery, resync and
/// validation, and one batcher each that gathers deliveries attempted at the same time into the provider's calls.
///
/// The dispatcher attempts deliveries one by one, as for webhooks; while a call for an integration is out,
/// the next deliveries wait here and go together in the next call (up to the provider's batch size), so a
/// burst of registrations becomes a few batch upserts (or one Slack digest) instead of a request each.
public final class ProviderSessions: Sendable {
    private let state = Mutex<[String: Entry]>([:])

    private struct Entry {
        let budget: RequestBudget
        /// Nil for a provider that takes no events.
        let batcher: Batcher?
    }

    /// How long live activity gathers before a call while a resync uses most of the integration's rate limit (4 s: one
    /// batch of a few HubSpot calls per 4 s leaves over 90 % of the limit to the resync, and keeps live p99 under 5 s):
    /// one call then carries everything that arrived meanwhile.
    let contendedGather: Duration

    public init(contendedGather: Duration = .seconds(4)) {
        self.contendedGather = contendedGather
    }

    /// The rate budget of an integration (made on first use).
    public func budget(for integrationID: String, provider: any ConnectedProvider) -> RequestBudget {
        entry(integrationID, provider).budget
    }

    /// The rate budgets that were asked for a request within `recent`, by integration id.
    public func budgetsInUse(within recent: Duration) -> [String: RequestBudget] {
        state.withLock { entries in entries.compactMapValues { $0.budget.used(within: recent) ? $0.budget : nil } }
    }

    /// Delivers one event, batched with others of the same integration; nil when the provider took it.
    public func deliver(_ event: OutboundEvent, over connection: ProviderConnection, provider: any EventDelivering) async -> ProviderFailure? {
        let entry = entry(connection.integrationID, provider)
        guard let batcher = entry.batcher else { return .unavailable("\(provider.description.displayName) takes no events here") }
        return await batcher.submit(event, over: connection, gather: entry.budget.contended ? contendedGather : nil)
    }

    /// The connection of an integration: its credentials opened, and an OAuth access token that is about to expire
    /// refreshed first. `saved` says whether its credentials are the stored ones: those are refreshed once however many
    /// callers ask at the same time, and the refreshed ones saved sealed; credentials still being validated before they
    /// are saved (a reconnect) are refreshed for this connection only. A refresh the provider refuses throws
    /// `.refused(.expiredCredentials)`.
    public func connection(
        for integration: Integration,
        provider: any ConnectedProvider,
        secrets: SecretBox,
        store: Store,
        saved: Bool = true,
        now: Date = Date()
    ) async throws -> ProviderConnection {
        let budget = budget(for: integration.id, provider: provider)
        let current = try integration.connection(
            opening: secrets,
            budget: budget,
            memory: ProviderMemory(store: store, integrationID: integration.id)
        )
        guard let oauth = provider as? any OAuthConnecting, oauth.needsRefresh(current.credentials, now: now) else { return current }
        let credentials: [String: String]
        if saved, let sealed = integration.credentials {
            let refreshing = refreshes.withLock { inFlight in
                if let running = inFlight[integration.id] { return running }
                let task = Task<[String: String], any Error> {
                    defer { _ = self.refreshes.withLock { $0.removeValue(forKey: integration.id) } }
                    return try await Self.refreshSaved(
                        integration,
                        sealed: sealed,
                        opened: current.credentials,
                        oauth: oauth,
                        secrets: secrets,
                        store: store,
                        now: now
                    )
                }
                inFlight[integration.id] = task
                return task
            }
            credentials = try await refreshing.value
        } else {
            credentials = try await oauth.refresh(current.credentials)
        }
        return ProviderConnection(
            integrationID: integration.id,
            credentials: credentials,
            settings: current.settings,
            budget: budget,
            memory: current.memory
        )
    }

    /// Refreshes an integration's saved credentials, `sealed` as the caller read them.
    ///
    /// Several processes may find the same token due at once. Each refreshes from the newest credentials in the store,
    /// saves only over the credentials it refreshed, and when the provider refuses a single-use refresh token (another
    /// process's refresh spent it a moment before) takes the tokens that process saves.
    private static func refreshSaved(
        _ integration: Integration,
        sealed: String,
        opened: [String: String],
        oauth: any OAuthConnecting,
        secrets: SecretBox,
        store: Store,
        now: Date
    ) async throws -> [String: String] {
        var (base, sealed) = (opened, sealed)
        // Since the caller read them, another process may have refreshed the grant, or a manager reconnected.
        if let stored = try await store.integration(workspaceID: integration.workspaceId, id: integration.id),
            let theirs = stored.credentials, theirs != sealed, let newer = try? stored.openCredentials(secrets)
        {
            if !oauth.needsRefresh(newer, now: now) { return newer }
            (base, sealed) = (newer, theirs)
        }
        do {
            let fresh = try await oauth.refresh(base)
            try await store.updateCredentials(
                integrationID: integration.id,
                sealed: integration.sealedCredentials(fresh, with: secrets),
                replacing: sealed
            )
            return fresh
        } catch ProviderFailure.refused(let failure) {
            guard oauth.refreshTokensAreSingleUse, let theirs = try await saved(over: sealed, of: integration, secrets: secrets, store: store)
            else { throw ProviderFailure.refused(failure) }
            return theirs
        }
    }

    /// How long a refused single-use refresh waits for another process's refreshed tokens to reach the store: that
    /// process saves them as soon as the provider answers it, which was about when it refused this one.
    static let refreshSettling: Duration = .seconds(5)

    /// Credentials saved over `sealed` within `refreshSettling`, opened; nil when none were.
    private static func saved(over sealed: String, of integration: Integration, secrets: SecretBox, store: Store) async throws -> [String: String]? {
        let deadline = ContinuousClock.now + refreshSettling
        while true {
            if let stored = try await store.integration(workspaceID: integration.workspaceId, id: integration.id),
                let theirs = stored.credentials, theirs != sealed, let newer = try? stored.openCredentials(secrets)
            {
                return newer
            }
            guard ContinuousClock.now < deadline else { return nil }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    private let refreshes = Mutex<[String: Task<[String: String], any Error>]>([:])

    private func entry(_ integrationID: String, _ provider: any ConnectedProvider) -> Entry {
        state.withLock { entries in
            if let entry = entries[integrationID] { return entry }
            let entry = Entry(budget: provider.makeBudget(), batcher: (provider as? any EventDelivering).map(Batcher.init(provider:)))
            entries[integrationID] = entry
            return entry
        }
    }

    /// Gathers one integration's events into batch calls, at most `concurrentCalls` at a time.
    actor Batcher {
        let provider: any EventDelivering
        private var waiting: [(OutboundEvent, ProviderConnection, CheckedContinuation<ProviderFailure?, Never>)] = []
        private var running = 0

        init(provider: any EventDelivering) {
            self.provider = provider
        }

        /// Queues an event for the next call; with `gather`, the first of a batch waits that long for others.
        func submit(_ event: OutboundEvent, over connection: ProviderConnection, gather: Duration?) async -> ProviderFailure? {
            await withCheckedContinuation { continuation in
                waiting.append((event, connection, continuation))
                if waiting.count >= provider.batchSize {
                    startCalls()
                } else if let gather, !gathering {
                    gathering = true
                    Task {
                        try? await Task.sleep(for: gather)
                        self.gathered()
                    }
                } else if !gathering {
                    startCalls()
                }
            }
        }

        private var gathering = false

        private func gathered() {
            gathering = false
            startCalls()
        }

        /// When the last call started, and whether a wake-up for the next one is set (`callSpacing`).
        private var lastStart: ContinuousClock.Instant?
        private var spacing = false

        private func spaced() {
            spacing = false
            if !gathering { startCalls() }
        }

        private func startCalls() {
            while running < provider.concurrentCalls && !waiting.isEmpty {
                if let gap = provider.callSpacing, let lastStart, ContinuousClock.now - lastStart < gap {
                    if !spacing {
                        spacing = true
                        Task {
                            try? await Task.sleep(until: lastStart + gap)
                            self.spaced()
                        }
                    }
                    return
                }
                lastStart = ContinuousClock.now
                let batch = Array(waiting.prefix(provider.batchSize))
                waiting.removeFirst(batch.count)
                running += 1
                // The newest connection of the batch: settings or credentials may have changed meanwhile.
                let (provider, connection) = (provider, batch[batch.count - 1].1)
                Task {
                    let results = await provider.deliver(batch.map(\.0), over: connection)
                    self.finished(batch.map(\.2), results)
                }
            }
        }

        private func finished(_ continuations: [CheckedContinuation<ProviderFailure?, Never>], _ results: [ProviderFailure?]) {
            running -= 1
            for (index, continuation) in continuations.enumerated() {
                continuation.resume(returning: index < results.count ? results[index] : .unavailable("the provider gave no result"))
            }
            // While gathering, what waits goes when the gathering ends, not with the next free call.
            if !gathering { startCalls() }
        }
    }
}

extension AttemptOutcome {
    /// What a provider's answer to one delivered event means for its delivery and its integration.
    public init(provider failure: ProviderFailure?, providerName: String, provider: String, startedAt: Date, durationMilliseconds: Int) {
        self.init(startedAt: startedAt, durationMilliseconds: durationMilliseconds)
        switch failure {
        case nil:
            statusCode = 200
            responseBody = "synced to \(providerName)"
        case .throttled(let retryAfter):
            statusCode = 429
            throttled = true
            self.retryAfter = retryAfter
            errorMessage = "\(providerName) asked Switchboard to slow down"
        case .quotaExhausted(let retryAfter, let detail):
            statusCode = 429
            throttled = true
            self.retryAfter = retryAfter
            quotaDetail = detail
            errorMessage = detail
        case .refused(let validation):
            statusCode =
                switch validation {
                case .expiredCredentials: 401
                case .missingPermissions, .permissionDenied: 403
                case .listNotFound, .channelUnavailable: 404
                case .unusableSetting: 422
                }
            refusal = Refusal(reason: validation.pauseReason, detail: validation.detail(providerName: providerName, provider: provider))
            errorMessage = refusal?.detail
        case .invalid(let message):
            statusCode = 400
            permanent = true
            errorMessage = message
        case .unavailable(let message):
            errorClass = .io
            errorMessage = message
        }
    }
}
