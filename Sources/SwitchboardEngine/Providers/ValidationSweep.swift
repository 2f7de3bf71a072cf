import Foundation
import Logging
import ServiceLifecycle
import SwitchboardDomain
import SwitchboardStore

/// The periodic part of the validation process (SPEC §2): every `interval`, each running connected
/// integration is checked against its provider; one the provider refuses is paused with the reason, and
/// the workspace's managers are notified. A provider that cannot answer decides nothing. With several processes on one
/// database, one of them sweeps each period (`Store.runPeriodically`).
public struct ValidationSweep: Service {
    let store: Store
    let integrations: IntegrationService
    let interval: Duration
    let logger: Logger

    public init(store: Store, integrations: IntegrationService, interval: Duration, logger: Logger) {
        self.store = store
        self.integrations = integrations
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await store.runPeriodically("validation sweep", every: interval, logger: logger) { await sweep() }
    }

    /// Checks every running connected integration once; returns how many were paused.
    @discardableResult
    public func sweep(now: Date = Date()) async -> Int {
        let providers = integrations.catalogue.connectedNames
        guard let running = try? await store.integrations(providers: providers, statuses: [.active, .failedSync]) else {
            logger.warning("validation sweep could not read integrations")
            return 0
        }
        var paused = 0
        for integration in running {
            guard let provider = integrations.catalogue.provider(integration.provider, as: (any ConnectedProvider).self) else { continue }
            do {
                guard let failure = try await integrations.validate(integration, provider: provider) else { continue }
                if try await integrations.pauseAfterValidation(integration, failure: failure, provider: provider, now: now) { paused += 1 }
            } catch {
                logger.info("validation could not run", metadata: ["integration": "\(integration.id)", "error": "\(error)"])
            }
        }
        return paused
    }
}

extension IntegrationService {
    /// Pauses an integration its provider refused; see `Store.pause(_:refusedWith:providerName:now:)`.
    func pauseAfterValidation(
        _ integration: Integration,
        failure: ValidationFailure,
        provider: any ConnectedProvider,
        now: Date
    ) async throws(IntegrationError) -> Bool {
        try await storeCall {
            try await store.pause(integration, refusedWith: failure, providerName: provider.description.displayName, now: now)
        }
    }
}

extension Store {
    /// Pauses an integration its provider refused, with the reason and a notification for the managers, unless
    /// it changed since it was read (a manager's edit wins; the next check sees it). Returns whether it paused.
    func pause(_ integration: Integration, refusedWith failure: ValidationFailure, providerName: String, now: Date) async throws -> Bool {
        guard let read = try await self.integration(workspaceID: integration.workspaceId, id: integration.id),
            read.updatedAt == integration.updatedAt
        else { return false }
        var current = read
        var health = current.health
        health.validationFailed(failure, providerName: providerName, provider: current.provider)
        current.health = health
        current.updatedAt = Timestamp.milliseconds(now)
        try await updateIntegration(current, from: read, notification: Notices.paused(current, at: now))
        return true
    }
}
