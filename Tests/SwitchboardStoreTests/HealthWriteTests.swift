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
            let workspace = try await store.createWorkspace(name: "Acme")
            let created = try await Fixtures.webhook(in: store, workspaceID: workspace.id)
            let read = try #require(try await store.integrations(ids: [created.id])[created.id])

            // A manager's change lands after the recording read the row: a rotated secret, a new URL.
            var changed = read
            changed.signingSecret = "sealed-new-secret"
            changed.settings = #"{"events":["registration.created"],"url":"https://example.com/new"}"#
            changed.updatedAt = read.updatedAt + 5
            try await store.updateIntegration(changed, from: read)

            func failing(_ integration: Integration) -> Integration {
                var failing = integration
                var health = failing.health
                health.recordFailure("Deliveries are failing")
                failing.health = health
                failing.failingSince = integration.updatedAt + 10
                failing.updatedAt = integration.updatedAt + 10
                return failing
            }
            let staleWrite = failing(read)
            let stale = try await store.database.transaction { db in try await Store.saveHealth(staleWrite, over: read, in: db) }
            #expect(stale == nil, "the row changed since it was read")
            let kept = try #require(try await store.integrations(ids: [created.id])[created.id])
            #expect(kept == changed, "the manager's change stands whole")

            let freshWrite = failing(kept)
            let fresh = try await store.database.transaction { db in try await Store.saveHealth(freshWrite, over: kept, in: db) }
            #expect(fresh != nil)
            let written = try #require(try await store.integrations(ids: [created.id])[created.id])
            #expect(written.status == .failedSync && written.failingSince == kept.updatedAt + 10)
            #expect(written.signingSecret == "sealed-new-secret" && written.settings == changed.settings, "only the health was written")
        }
    }

    @Test("a manager's save writes what the manager changed and keeps the health recorded since its read", arguments: StoreEngine.allCases)
    func managerKeepsRecordedHealth(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let workspace = try await store.createWorkspace(name: "Acme")
            let created = try await Fixtures.webhook(in: store, workspaceID: workspace.id)
            let managerRead = try #require(try await store.integrations(ids: [created.id])[created.id])

            // The recording marks it failing after the manager read it.
            var failing = managerRead
            var health = failing.health
            health.recordFailure("Deliveries are failing")
            failing.health = health
            failing.lastFailureAt = managerRead.updatedAt + 3
            failing.failingSince = managerRead.updatedAt + 3
            failing.updatedAt = managerRead.updatedAt + 3
            let recorded = failing
            #expect(try await store.database.transaction { db in try await Store.saveHealth(recorded, over: managerRead, in: db) } != nil)

            var renamed = managerRead
            renamed.label = "Renamed"
            renamed.updatedAt = managerRead.updatedAt + 6
            try await store.updateIntegration(renamed, from: managerRead)

            let stored = try #require(try await store.integrations(ids: [created.id])[created.id])
            #expect(stored.label == "Renamed" && stored.updatedAt == renamed.updatedAt)
            #expect(stored.status == .failedSync && stored.failingSince == recorded.failingSince && stored.lastFailureAt == recorded.lastFailureAt)
        }
    }
}
