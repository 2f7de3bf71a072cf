import Foundation
import SwitchboardDomain
import SwitchboardTestSupport
import Testing

@testable import SwitchboardStore

@Suite("Bulk rows")
struct BulkRowTests {
    @Test(
        "deliveries and attempts written by the bulk path read back equal, through Codable and through the claims' row reader",
        arguments: StoreEngine.allCases
    )
    func roundTrip(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let workspace = try await store.createWorkspace(name: "Acme")
            let integration = try await Fixtures.webhook(in: store, workspaceID: workspace.id)
            let event = try #require(try await store.ingest(workspaceID: workspace.id, events: [Fixtures.registration("a@example.com")]).first)
            let full = Delivery(
                id: "msg_full",
                workspaceId: workspace.id,
                integrationId: integration.id,
                eventId: event.id,
                eventType: .registrationCreated,
                status: .failed,
                attempts: 3,
                consecutiveFailures: 2,
                nextAttemptAt: 1_700_000_000_123,
                claimToken: "w:1",
                createdAt: 1_700_000_000_000,
                updatedAt: 1_700_000_000_999,
                lastAttemptAt: 1_700_000_000_500,
                lastStatusCode: 503,
                lastError: "HTTP 503 — “unavailable”"
            )
            let empty = Delivery(
                id: "msg_empty",
                workspaceId: workspace.id,
                integrationId: integration.id,
                eventId: event.id,
                eventType: .broadcastSummary,
                status: .pending,
                attempts: 0,
                consecutiveFailures: 0,
                nextAttemptAt: nil,
                claimToken: nil,
                createdAt: 1,
                updatedAt: 2,
                lastAttemptAt: nil,
                lastStatusCode: nil,
                lastError: nil
            )
            let attempts = [
                Attempt(
                    id: "att_full",
                    deliveryId: "msg_full",
                    workspaceId: workspace.id,
                    attemptedAt: 1_700_000_000_500,
                    durationMs: 15_000,
                    statusCode: 503,
                    responseBody: "{\"error\":\"busy\"}",
                    errorClass: "http_status",
                    error: "HTTP 503"
                ),
                Attempt(
                    id: "att_empty",
                    deliveryId: "msg_empty",
                    workspaceId: workspace.id,
                    attemptedAt: 3,
                    durationMs: 0,
                    statusCode: nil,
                    responseBody: nil,
                    errorClass: nil,
                    error: nil
                ),
            ]
            try await store.database.transaction { db in
                try await Store.insert([full, empty], into: "deliveries", in: db)
                try await Store.insert(attempts, into: "attempts", in: db)
            }
            let (readFull, fullAttempts) = try #require(try await store.delivery(workspaceID: workspace.id, id: "msg_full"))
            let (readEmpty, emptyAttempts) = try #require(try await store.delivery(workspaceID: workspace.id, id: "msg_empty"))
            #expect(readFull == full)
            #expect(readEmpty == empty)
            #expect(fullAttempts == [attempts[0]])
            #expect(emptyAttempts == [attempts[1]])
            // Claims read rows column by column: the same deliveries as Codable gives.
            let rows = try await store.database.withConnection { db in
                try await db.raw("SELECT * FROM deliveries WHERE id IN ('msg_full', 'msg_empty') ORDER BY id").all()
            }
            #expect(try rows.map(Delivery.init(row:)) == [empty, full])
            // On PostgreSQL claims read PostgresNIO's rows by position, in the order of `Delivery.columns`.
            let positional = try await store.database.withConnection { db -> [Delivery]? in
                guard let postgres = db as? PostgresStoreDatabase else { return nil }
                let query = BoundSQL(
                    "SELECT \(Delivery.columns.joined(separator: ", ")) FROM deliveries WHERE id IN ('msg_full', 'msg_empty') ORDER BY id"
                )
                return try await postgres.rows(query).map(Delivery.init(postgresRow:))
            }
            #expect(positional == (engine == .postgres ? [empty, full] : nil))
        }
    }

    @Test("the bulk columns are the Codable columns, in order")
    func columnsMatchCodingKeys() {
        #expect(Delivery.columns == Delivery.CodingKeys.allCases.map(\.stringValue))
        #expect(Attempt.columns == Attempt.CodingKeys.allCases.map(\.stringValue))
    }
}
