import Foundation
import SwitchboardDomain
import SwitchboardStore
import SwitchboardTestSupport
import Testing

@Suite("Ingest")
struct IngestTests {
    @Test("migrations apply once and leave the schema at the latest version", arguments: StoreEngine.allCases)
    func migrations(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let migrator = Migrator(database: store.database)
            let appliedAgain = try await migrator.migrate(logger: testLogger)
            #expect(appliedAgain.isEmpty)
            #expect(try await migrator.currentVersion() == Migrator.latestVersion)
            if engine == .sqlite {
                // Migration 10 edits table definitions in sqlite_schema: the database must still check sound.
                let check = try await store.database.withConnection { db in
                    try await db.raw("PRAGMA integrity_check").first()?.decode(column: "integrity_check", as: String.self)
                }
                #expect(check == "ok")
            }
        }
    }

    @Test("an event becomes one delivery per subscribed integration, in the same transaction", arguments: StoreEngine.allCases)
    func fanOut(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let workspace = try await store.createWorkspace(name: "Acme")
            let all = try await Fixtures.webhook(in: store, workspaceID: workspace.id)
            _ = try await Fixtures.webhook(in: store, workspaceID: workspace.id, events: [.broadcastSummary])
            let paused = try await Fixtures.webhook(in: store, workspaceID: workspace.id, status: .paused)

            let results = try await store.ingest(workspaceID: workspace.id, events: [Fixtures.registration("ada@example.com")])
            #expect(results.count == 1)
            #expect(results[0].deliveries == 2)
            #expect(!results[0].duplicate)

            let pending = try await store.deliveries(workspaceID: workspace.id, filter: DeliveryFilter(status: .pending), limit: 50, cursor: nil)
            #expect(pending.items.map(\.integrationId) == [all.id])
            let skipped = try await store.deliveries(workspaceID: workspace.id, filter: DeliveryFilter(status: .skipped), limit: 50, cursor: nil)
            #expect(skipped.items.map(\.integrationId) == [paused.id])
        }
    }

    @Test("a repeated idempotency key is a no-op that answers the first event's id", arguments: StoreEngine.allCases)
    func idempotency(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let workspace = try await store.createWorkspace(name: "Acme")
            try await Fixtures.webhook(in: store, workspaceID: workspace.id)
            let first = try await store.ingest(workspaceID: workspace.id, events: [Fixtures.registration("a@example.com", key: "k1")])
            let again = try await store.ingest(workspaceID: workspace.id, events: [Fixtures.registration("a@example.com", key: "k1")])
            #expect(again[0].duplicate)
            #expect(again[0].id == first[0].id)
            let all = try await store.deliveries(workspaceID: workspace.id, filter: DeliveryFilter(), limit: 50, cursor: nil)
            #expect(all.items.count == 1)

            // The same key in another workspace is another event.
            let other = try await store.createWorkspace(name: "Other")
            let elsewhere = try await store.ingest(workspaceID: other.id, events: [Fixtures.registration("a@example.com", key: "k1")])
            #expect(!elsewhere[0].duplicate)
        }
    }

    @Test("a retried attendance adds no watch time, and a key repeated within one batch stores one event", arguments: StoreEngine.allCases)
    func retriesChangeNothing(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let workspace = try await store.createWorkspace(name: "Acme")
            try await Fixtures.webhook(in: store, workspaceID: workspace.id, events: [.broadcastSummary, .attendanceRecorded])
            let attendance = Fixtures.attendance("a@example.com", seconds: 600)
            let first = try await store.ingest(workspaceID: workspace.id, events: [Fixtures.registration("a@example.com"), attendance, attendance])
            #expect(first.map(\.duplicate) == [false, false, true])
            #expect(first[1].id == first[2].id)
            _ = try await store.ingest(workspaceID: workspace.id, events: [attendance])
            _ = try await store.ingest(workspaceID: workspace.id, events: [Fixtures.ended()])
            let summaries = try await store.deliveries(
                workspaceID: workspace.id,
                filter: DeliveryFilter(eventType: .broadcastSummary),
                limit: 10,
                cursor: nil
            )
            let delivery = try #require(summaries.items.first)
            let event = try #require(try await store.events(ids: [delivery.eventId])[delivery.eventId])
            #expect(event.data["total_watch_seconds"] == .number(600))
            let attended = try await store.deliveries(
                workspaceID: workspace.id,
                filter: DeliveryFilter(eventType: .attendanceRecorded),
                limit: 10,
                cursor: nil
            )
            #expect(attended.items.count == 1)
        }
    }

    @Test("a summary counts what came before the end in the same batch, not what came after", arguments: StoreEngine.allCases)
    func summaryOrderWithinBatch(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let workspace = try await store.createWorkspace(name: "Acme")
            try await Fixtures.webhook(in: store, workspaceID: workspace.id, events: [.broadcastSummary])
            _ = try await store.ingest(
                workspaceID: workspace.id,
                events: [
                    Fixtures.registration("a@example.com"), Fixtures.registration("b@example.com"), Fixtures.ended(),
                    Fixtures.registration("late@example.com"),
                ]
            )
            let delivery = try #require(
                try await store.deliveries(workspaceID: workspace.id, filter: DeliveryFilter(), limit: 10, cursor: nil).items.first
            )
            let event = try #require(try await store.events(ids: [delivery.eventId])[delivery.eventId])
            #expect(event.data["registrants"] == .number(2))
        }
    }

    @Test("broadcast.ended delivers a summary computed from registrations and attendance", arguments: StoreEngine.allCases)
    func summary(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let workspace = try await store.createWorkspace(name: "Acme")
            try await Fixtures.webhook(in: store, workspaceID: workspace.id, events: [.broadcastSummary])
            let events =
                ["a", "b", "c", "d"].map { Fixtures.registration("\($0)@example.com") }
                + [Fixtures.attendance("a@example.com", seconds: 600), Fixtures.attendance("b@example.com", seconds: 1200)]
                + [Fixtures.attendance("a@example.com", seconds: 300)]
            _ = try await store.ingest(workspaceID: workspace.id, events: events)
            _ = try await store.ingest(workspaceID: workspace.id, events: [Fixtures.ended()])

            let deliveries = try await store.deliveries(workspaceID: workspace.id, filter: DeliveryFilter(), limit: 50, cursor: nil)
            #expect(deliveries.items.count == 1)
            let delivery = try #require(deliveries.items.first)
            #expect(delivery.eventType == .broadcastSummary)
            let event = try #require(try await store.events(ids: [delivery.eventId])[delivery.eventId])
            #expect(event.data["registrants"] == .number(4))
            #expect(event.data["attendees"] == .number(2))
            #expect(event.data["attendance_rate"] == .number(0.5))
            #expect(event.data["total_watch_seconds"] == .number(2100))
            #expect(event.data["average_watch_seconds"] == .number(1050))
            #expect(event.data["broadcast"]?["title"] == .string("Launch week"))
        }
    }

    @Test("deleted and setup_incomplete integrations receive nothing; lists page newest first", arguments: StoreEngine.allCases)
    func deletedReceiveNothing(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let workspace = try await store.createWorkspace(name: "Acme")
            let gone = try await Fixtures.webhook(in: store, workspaceID: workspace.id)
            try await Fixtures.webhook(in: store, workspaceID: workspace.id, status: .setupIncomplete)
            #expect(try await store.deleteIntegration(workspaceID: workspace.id, id: gone.id))
            #expect(try await store.integration(workspaceID: workspace.id, id: gone.id) == nil)
            let results = try await store.ingest(workspaceID: workspace.id, events: [Fixtures.registration("x@example.com")])
            #expect(results[0].deliveries == 0)

            for index in 0..<5 { _ = try await store.ingest(workspaceID: workspace.id, events: [Fixtures.registration("p\(index)@example.com")]) }
            try await Fixtures.webhook(in: store, workspaceID: workspace.id)
            for index in 0..<5 { _ = try await store.ingest(workspaceID: workspace.id, events: [Fixtures.registration("q\(index)@example.com")]) }
            let first = try await store.deliveries(workspaceID: workspace.id, filter: DeliveryFilter(), limit: 3, cursor: nil)
            let second = try await store.deliveries(workspaceID: workspace.id, filter: DeliveryFilter(), limit: 3, cursor: first.nextCursor)
            #expect(first.items.count == 3)
            #expect(second.items.count == 2)
            #expect(second.nextCursor == nil)
            let ids = (first.items + second.items).map(\.id)
            #expect(ids == ids.sorted(by: >))
        }
    }
}
