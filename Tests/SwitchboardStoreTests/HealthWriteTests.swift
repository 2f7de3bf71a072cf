import Foundation
import SwitchboardDomain
import SwitchboardTestSupport
import Testing

@testable import SwitchboardStore

@Suite("An integration written by the recording and by managers at once")
struct HealthWriteTests {
    @Test("the health is written only onto the row as it was read, and never over a manager's change", arguments: StoreEngine.allCases)
    func healthNeverOverwritesAChange(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let read = try await storedWebhook(in: store)

            // A manager's change lands after the recording read the row: a rotated secret, a new URL.
            var changed = read
            changed.signingSecret = "sealed-new-secret"
            changed.settings = #"{"events":["registration.created"],"url":"https://example.com/new"}"#
            changed.updatedAt = read.updatedAt + 5
            try await store.updateIntegration(changed, from: read)

            #expect(try await saveHealth(failing(read), over: read, in: store) == nil, "the row changed since it was read")
            let kept = try await current(read, in: store)
            #expect(kept == changed, "the manager's change stands whole")

            #expect(try await saveHealth(failing(kept), over: kept, in: store) != nil)
            let written = try await current(read, in: store)
            #expect(written.status == .failedSync && written.failingSince == failing(kept).failingSince)
            #expect(written.signingSecret == "sealed-new-secret" && written.settings == changed.settings, "only the health was written")
        }
    }

    @Test("a manager's save writes what the manager changed and keeps the health recorded since its read", arguments: StoreEngine.allCases)
    func managerKeepsRecordedHealth(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let managerRead = try await storedWebhook(in: store)

            // The recording marks it failing after the manager read it.
            let recorded = failing(managerRead)
            #expect(try await saveHealth(recorded, over: managerRead, in: store) != nil)

            var renamed = managerRead
            renamed.label = "Renamed"
            renamed.updatedAt = recorded.updatedAt + 5
            try await store.updateIntegration(renamed, from: managerRead)

            let stored = try await current(managerRead, in: store)
            #expect(stored.label == "Renamed" && stored.updatedAt == renamed.updatedAt)
            #expect(stored.status == .failedSync && stored.failingSince == recorded.failingSince && stored.lastFailureAt == recorded.lastFailureAt)
        }
    }

    @Test("a refreshed token is saved only over the credentials it was refreshed from", arguments: StoreEngine.allCases)
    func refreshNeverOverwritesNewerCredentials(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            var read = try await storedWebhook(in: store)
            read.credentials = "sealed-granted"
            try await store.updateIntegration(read, from: try await current(read, in: store))

            #expect(try await store.updateCredentials(integrationID: read.id, sealed: "sealed-refreshed", replacing: "sealed-granted"))
            #expect(try await current(read, in: store).credentials == "sealed-refreshed")
            // Another process refreshing the same grant, or a manager's reconnect, saved meanwhile: left as it is.
            #expect(try await !store.updateCredentials(integrationID: read.id, sealed: "sealed-late", replacing: "sealed-granted"))
            #expect(try await current(read, in: store).credentials == "sealed-refreshed")
        }
    }

    private func storedWebhook(in store: Store) async throws -> Integration {
        let workspace = try await store.createWorkspace(name: "Acme")
        return try await current(try await Fixtures.webhook(in: store, workspaceID: workspace.id), in: store)
    }

    private func current(_ integration: Integration, in store: Store) async throws -> Integration {
        try #require(try await store.integrations(ids: [integration.id])[integration.id])
    }

    /// `integration` as the recording leaves it after a failed attempt 10 ms after its version.
    private func failing(_ integration: Integration) -> Integration {
        var failing = integration
        var health = failing.health
        health.recordFailure("Deliveries are failing")
        failing.health = health
        failing.lastFailureAt = integration.updatedAt + 10
        failing.failingSince = integration.updatedAt + 10
        failing.updatedAt = integration.updatedAt + 10
        return failing
    }

    private func saveHealth(_ integration: Integration, over read: Integration, in store: Store) async throws -> CountChanges? {
        try await store.database.transaction { db in try await Store.saveHealth(integration, over: read, in: db) }
    }
}
