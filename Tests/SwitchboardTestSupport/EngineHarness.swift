import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardStore

/// A running delivery engine over a fresh store: what `serve` assembles, with a fast retry schedule.
public struct EngineHarness: Sendable {
    public let store: Store
    public let secrets: SecretBox
    /// The key of `secrets`, as the operator would configure it.
    public let secretsEncodedKey: String
    public let integrations: IntegrationService
    public let localDispatch: LocalDispatch
    public let workspace: Workspace

    /// A fast schedule for tests: 50 ms, 100 ms, 200 ms, then failed.
    public static let fastSchedule = RetrySchedule(delays: [0.05, 0.1, 0.2], jitter: 0)

    /// Ingests events into the harness's workspace and hands them to the dispatcher, as the API does.
    @discardableResult
    public func ingest(_ events: [InboundEvent]) async throws -> [IngestedEvent] {
        try await localDispatch.ingest(events, workspaceID: workspace.id, into: store)
    }

    /// Creates a webhook integration in the harness's workspace.
    public func webhook(url: String, events: [OutboundEventType] = OutboundEventType.webhookEvents) async throws -> Integration {
        try await integrations.create(workspaceID: workspace.id, provider: "webhook", changes: .init(url: url, events: events.map(\.rawValue)))
    }

    /// Waits until every delivery of the workspace has left `pending`, or the deadline passes.
    @discardableResult
    public func settle(timeout: Duration = .seconds(90)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let pending = try await store.deliveries(workspaceID: workspace.id, filter: DeliveryFilter(status: .pending), limit: 1, cursor: nil)
            if pending.items.isEmpty { return true }
            try await Task.sleep(for: .milliseconds(25))
        }
        return false
    }
}

/// Runs a dispatcher over a fresh store of `engine` while `body` runs, then shuts it down gracefully.
public func withEngine<R: Sendable>(
    _ engine: StoreEngine,
    schedule: RetrySchedule = EngineHarness.fastSchedule,
    timeout: TimeAmount = .seconds(15),
    maxInFlightPerIntegration: Int = 16,
    allowPrivateTargets: Bool = true,
    catalogue: @Sendable (HTTPClient) -> ProviderCatalogue = { _ in ProviderCatalogue() },
    _ body: @Sendable (EngineHarness) async throws -> R
) async throws -> R {
    try await withStore(engine) { store in
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: WebhookSender.clientConfiguration(connectionsPerHost: 16))
        let secretsEncodedKey = SecretBox.generateEncodedKey()
        let secrets = try SecretBox(encodedKey: secretsEncodedKey)
        let endpointGuard = EndpointGuard(allowPrivateTargets: allowPrivateTargets)
        let webhookClients = PinnedClients(configuration: WebhookSender.clientConfiguration(connectionsPerHost: 16))
        let sender = WebhookSender(clients: webhookClients, endpointGuard: endpointGuard, timeout: timeout)
        let localDispatch = LocalDispatch()
        var configuration = DispatcherConfiguration(workerID: "test-worker", pollInterval: .milliseconds(20), schedule: schedule)
        configuration.maxInFlightPerIntegration = maxInFlightPerIntegration
        // The claim outlasts the sender's timeout, as in production: a longer timeout lengthens the lease with it.
        configuration.attemptTimeout = Double(timeout.nanoseconds) / 1e9
        configuration.lease = max(configuration.lease, configuration.attemptTimeout + 45)
        let (providers, sessions) = (catalogue(client), ProviderSessions())
        let dispatcher = DeliveryDispatcher(
            store: store,
            sender: sender,
            secrets: secrets,
            configuration: configuration,
            localDispatch: localDispatch,
            catalogue: providers,
            sessions: sessions,
            logger: testLogger
        )
        let harness = EngineHarness(
            store: store,
            secrets: secrets,
            secretsEncodedKey: secretsEncodedKey,
            integrations: IntegrationService(
                store: store,
                secrets: secrets,
                endpointGuard: endpointGuard,
                sender: sender,
                catalogue: providers,
                sessions: sessions,
                dispatch: localDispatch
            ),
            localDispatch: localDispatch,
            workspace: try await store.createWorkspace(name: "Engine test")
        )
        let group = ServiceGroup(configuration: .init(services: [.init(service: dispatcher)], logger: testLogger))
        let running = Task { try await group.run() }
        do {
            let result = try await body(harness)
            await group.triggerGracefulShutdown()
            try await running.value
            try await webhookClients.shutdown()
            try await client.shutdown()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            try? await webhookClients.shutdown()
            try? await client.shutdown()
            throw error
        }
    }
}
