import Foundation
import SwitchboardDomain
import SwitchboardStore
import SwitchboardTestSupport
import Testing

@testable import SwitchboardEngine

@Suite("Local dispatch")
struct LocalDispatchTests {
    @Test("a body kept by ingest is byte for byte the body rendered from the store", arguments: StoreEngine.allCases)
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
            let results = try await store.ingest(workspaceID: workspace.id, events: [event])
            let local = LocalDispatch()
            local.ingested([event], results: results)

            let id = try #require(results.first?.id)
            let cached = try #require(local.bodies.bodies(for: [id])[id])
            let stored = try #require(try await store.events(ids: [id])[id])
            #expect(cached == WebhookPayload.body(type: .registrationCreated, occurredAt: stored.occurredAt, data: stored.data))
        }
    }

    @Test("duplicates and events without deliveries are not kept; broadcast.ended is read from the store")
    func keepsOnlyFreshBodies() {
        let local = LocalDispatch()
        let events = [Fixtures.registration("a@example.com"), Fixtures.registration("b@example.com"), Fixtures.ended()]
        let results = [
            IngestedEvent(id: "evt_a", duplicate: false, deliveries: 2),
            IngestedEvent(id: "evt_b", duplicate: true, deliveries: 0),
            IngestedEvent(id: "evt_c", duplicate: false, deliveries: 1),
        ]
        local.ingested(events, results: results)
        #expect(Set(local.bodies.bodies(for: ["evt_a", "evt_b", "evt_c"]).keys) == ["evt_a"])
    }

    @Test("the cache drops the oldest bodies beyond its size")
    func boundedInBytes() {
        let cache = BodyCache(capacityBytes: 2500)
        for index in 0..<5000 { cache.insert(Array(repeating: 1, count: 1000), for: "evt_\(index)") }
        let kept = cache.bodies(for: (0..<5000).map { "evt_\($0)" })
        #expect(Set(kept.keys) == ["evt_4998", "evt_4999"])
    }
}
