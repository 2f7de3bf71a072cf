import AsyncHTTPClient
import Foundation
import ServiceLifecycle
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardStore
import SwitchboardTestSupport
import Synchronization
import Testing

@Suite("Several workers on one PostgreSQL")
struct ScaleOutTests {
    @Test("two workers share the queue: every delivery arrives, none is attempted twice at the same time")
    func twoWorkers() async throws {
        let url = try await StoreEngine.postgres.makeURL()
        let secrets = try SecretBox(encodedKey: SecretBox.generateEncodedKey())
        let tally = Tally()
        let receiver = TestReceiver { request in
            tally.arrived(request.webhookID ?? "")
            return .init(status: 200, delay: .milliseconds(5))
        }
        try await receiver.run { receiver in
            try await withStore(url: url) { store in
                let workspace = try await store.createWorkspace(name: "Scale")
                let guardian = EndpointGuard(allowPrivateTargets: true)
                let clients = PinnedClients(configuration: WebhookSender.clientConfiguration(connectionsPerHost: 8))
                let service = IntegrationService(
                    store: store,
                    secrets: secrets,
                    endpointGuard: guardian,
                    sender: WebhookSender(clients: clients, endpointGuard: guardian, timeout: .seconds(45))
                )
                _ = try await service.create(
                    workspaceID: workspace.id,
                    provider: "webhook",
                    changes: .init(url: receiver.url + "/a", events: ["registration.created"])
                )
                _ = try await service.create(
                    workspaceID: workspace.id,
                    provider: "webhook",
                    changes: .init(url: receiver.url + "/b", events: ["registration.created"])
                )

                // Each worker has its own connection pool to the same database, as separate processes would.
                var workers: [any Service] = []
                var databases: [Database] = []
                for index in 0..<2 {
                    let database = try await Database.open(url, logger: testLogger)
                    databases.append(database)
                    var configuration = DispatcherConfiguration(workerID: "w\(index)", batchSize: 32, pollInterval: .milliseconds(10))
                    configuration.maxInFlightPerIntegration = 8
                    workers.append(
                        DeliveryDispatcher(
                            store: Store(database: database),
                            // A timeout would retry a delivery the receiver has: long, against a loaded machine.
                            sender: WebhookSender(clients: clients, endpointGuard: guardian, timeout: .seconds(45)),
                            secrets: secrets,
                            configuration: configuration,
                            localDispatch: LocalDispatch(),
                            logger: testLogger
                        )
                    )
                }
                let group = ServiceGroup(configuration: .init(services: (databases + workers).map { .init(service: $0) }, logger: testLogger))
                let running = Task { try await group.run() }
                _ = try await store.ingest(workspaceID: workspace.id, events: (0..<400).map { Fixtures.registration("w\($0)@example.com") })
                let arrived = await receiver.wait(timeout: .seconds(60)) { Set($0.compactMap(\.webhookID)).count >= 800 }
                await group.triggerGracefulShutdown()
                _ = try? await running.value
                try await clients.shutdown()

                #expect(arrived)
                #expect(tally.repeats.isEmpty, "no message was attempted twice, let alone at the same time")
                #expect(receiver.received.count == 800, "every delivery was attempted exactly once (all succeed)")
                let pending = try await store.deliveries(workspaceID: workspace.id, filter: DeliveryFilter(status: .pending), limit: 1, cursor: nil)
                #expect(pending.items.isEmpty)
            }
        }
    }
}

/// Counts arrivals by webhook-id and remembers any id that came twice.
final class Tally: Sendable {
    private let state = Mutex<(seen: Set<String>, repeats: [String])>(([], []))

    func arrived(_ id: String) {
        state.withLock { state in
            if !state.seen.insert(id).inserted { state.repeats.append(id) }
        }
    }

    var repeats: [String] { state.withLock { $0.repeats } }
}
