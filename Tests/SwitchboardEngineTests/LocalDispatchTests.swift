import Foundation
import SQLKit
import SwitchboardDomain
import SwitchboardStore
import SwitchboardTestSupport
import Testing

@testable import SwitchboardEngine

@Suite("Local dispatch")
struct LocalDispatchTests {
    @Test("a body kept by ingest is byte for byte the body rendered from the store, a summary's too", arguments: StoreEngine.allCases)
    func cachedBodyMatchesStore(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let workspace = try await store.createWorkspace(name: "Acme")
            try await Fixtures.webhook(in: store, workspaceID: workspace.id)
            var event = Fixtures.registration("zoë@example.com")
            event.data["registrant"] = .object([
                "email": .string("zoë@example.com"),
                "first_name": .string("Zoë \"Z\" <z>/😀"),
                "custom_fields": .object([
                    "score": .number(12.5), "count": .number(3), "tags": .array([.string("a"), .string("b")]), "none": .null,
                ]),
            ])
            let events = [event, Fixtures.ended()]
            let result = try await store.ingest(workspaceID: workspace.id, events: events, claim: nil)
            let local = LocalDispatch()
            local.ingested(events, results: result.events, dataJSON: result.dataJSON)

            for (ingested, type) in zip(result.events, [OutboundEventType.registrationCreated, .broadcastSummary]) {
                let cached = try #require(local.bodies.bodies(for: [ingested.id])[ingested.id])
                let stored = try #require(try await store.events(ids: [ingested.id])[ingested.id])
                #expect(cached == WebhookPayload.body(type: type, occurredAt: stored.occurredAt, data: stored.data))
                // The way the dispatcher builds bodies of a backlog: around the stored JSON, not re-encoded.
                #expect(cached == WebhookPayload.body(type: type, occurredAt: stored.occurredAt, dataJSON: stored.dataJSON))
            }
            let summary = try #require(local.bodies.bodies(for: [result.events[1].id])[result.events[1].id])
            #expect(String(decoding: summary, as: UTF8.self).contains(#""registrants":1"#), "the summary the store computed")
        }
    }

    @Test("ingest claims for the local worker what its queues have room for, and hands it over", arguments: StoreEngine.allCases)
    func claimsAtIngest(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let workspace = try await store.createWorkspace(name: "Acme")
            try await Fixtures.webhook(in: store, workspaceID: workspace.id)
            let local = LocalDispatch()
            let batch = { (range: Range<Int>) in range.map { Fixtures.registration("u\($0)@example.com") } }

            _ = try await local.ingest(batch(0..<3), workspaceID: workspace.id, into: store)
            #expect(try await claimTokens(store).isEmpty, "no worker attached: nothing is claimed at ingest")

            local.attach(token: "w:ingest", lease: 60, defaultRoom: 2)
            _ = try await local.ingest(batch(3..<8), workspaceID: workspace.id, into: store)
            #expect(try await claimTokens(store) == ["w:ingest", "w:ingest"], "only what the worker has room for")
            var handOffs = local.handOffs.makeAsyncIterator()
            let handOff = try #require(await handOffs.next())
            let handed = handOff.deliveries
            #expect(handed.count == 2)
            let integrationID = try #require(handed.first?.integrationId)
            let stored = try #require(try await store.integrations(ids: [integrationID]).values.first)
            #expect(handOff.integrationVersions == [stored.id: stored.updatedAt], "the integration's version as ingest read it")
            #expect(handed.allSatisfy { $0.claimToken == "w:ingest" && $0.nextAttemptAt ?? 0 > Timestamp.milliseconds(Date()) })

            _ = try await local.ingest(batch(8..<10), workspaceID: workspace.id, into: store)
            #expect(try await claimTokens(store).count == 2, "room is taken until the worker receives what it was handed")
            local.received(handed)
            _ = try await local.ingest(batch(10..<13), workspaceID: workspace.id, into: store)
            #expect(try await claimTokens(store).count == 4)

            let integration = try #require(handed.first?.integrationId)
            local.received(try #require(await handOffs.next()).deliveries)
            local.publish(room: [integration: 1])
            _ = try await local.ingest(batch(14..<16), workspaceID: workspace.id, into: store)
            #expect(try await claimTokens(store).count == 5, "the room the worker last published")

            local.detach()
            _ = try await local.ingest(batch(16..<18), workspaceID: workspace.id, into: store)
            #expect(try await claimTokens(store).count == 5, "a stopped worker gets nothing more")
        }
    }

    private func claimTokens(_ store: Store) async throws -> [String] {
        try await store.database.withConnection { db in
            try await db.raw("SELECT claim_token FROM deliveries WHERE claim_token IS NOT NULL").all().map {
                try $0.decode(column: "claim_token", as: String.self)
            }
        }
    }

    @Test("duplicates and events without deliveries are not kept")
    func keepsOnlyFreshBodies() {
        let local = LocalDispatch()
        let events = [
            Fixtures.registration("a@example.com"), Fixtures.registration("b@example.com"), Fixtures.registration("c@example.com"), Fixtures.ended(),
        ]
        let results = [
            IngestedEvent(id: "evt_a", duplicate: false, deliveries: 2),
            IngestedEvent(id: "evt_b", duplicate: true, deliveries: 0),
            IngestedEvent(id: "evt_c", duplicate: false, deliveries: 0),
            IngestedEvent(id: "evt_d", duplicate: false, deliveries: 1),
        ]
        let dataJSON = ["evt_a": #"{"a":1}"#, "evt_c": #"{"c":1}"#, "evt_d": #"{"d":1}"#]
        local.ingested(events, results: results, dataJSON: dataJSON)
        let kept = local.bodies.bodies(for: ["evt_a", "evt_b", "evt_c", "evt_d"])
        #expect(Set(kept.keys) == ["evt_a", "evt_d"])
        #expect(kept["evt_d"].map { String(decoding: $0, as: UTF8.self).hasPrefix(#"{"data":{"d":1},"#) } == true)
    }

    @Test("the cache drops the oldest bodies beyond its size")
    func boundedInBytes() {
        let cache = BodyCache(capacityBytes: 2500)
        for index in 0..<5000 { cache.insert(Array(repeating: 1, count: 1000), for: "evt_\(index)") }
        let kept = cache.bodies(for: (0..<5000).map { "evt_\($0)" })
        #expect(Set(kept.keys) == ["evt_4998", "evt_4999"])
    }
}
