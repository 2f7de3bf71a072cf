import Foundation
import HTTPTypes
import NIOCore
import SwitchboardDomain
import SwitchboardStore
import SwitchboardTestSupport
import Testing

@Suite("Events API")
struct EventsAPITests {
    @Test("one event is accepted with its id and fanned out; a retry with the same key is a no-op", arguments: StoreEngine.allCases)
    func single(engine: StoreEngine) async throws {
        try await withAPI(engine) { api in
            _ = try await api.createWebhook()
            let body =
                #"{"type": "registration.created", "idempotency_key": "reg-8812", "occurred_at": "2026-11-24T16:00:00Z", "data": {"broadcast": {"id": "brd_42", "title": "Launch week"}, "registrant": {"email": "ada@example.com", "first_name": "Ada", "custom_fields": {"role": "CTO"}}, "source": "partner-x"}}"#
            let first = try await api.call(.post, "/v1/events", key: api.managerKey, json: body)
            #expect(first.status == 202)
            let id = try #require(first.json["id"]?.stringValue)
            #expect(first.json["events"]?.arrayCount == 1)
            let again = try await api.call(.post, "/v1/events", key: api.managerKey, json: body)
            #expect(again.json["id"] == .string(id))
            let deliveries = try await api.call(.get, "/v1/deliveries", key: api.managerKey)
            #expect(deliveries.json["data"]?.arrayCount == 1)
        }
    }

    @Test("a batch with one invalid event is refused whole, with the field of each error", arguments: StoreEngine.allCases)
    func batchAllOrNothing(engine: StoreEngine) async throws {
        try await withAPI(engine) { api in
            _ = try await api.createWebhook()
            let body = #"""
                {"events": [
                  {"type": "registration.created", "data": {"broadcast": {"id": "b"}, "registrant": {"email": "ok@example.com"}}},
                  {"type": "registration.create", "data": {"broadcast": {"id": "b"}, "registrant": {"email": "x@example.com"}}},
                  {"type": "attendance.recorded", "data": {"broadcast": {}, "registrant": {"email": "nope"}}}
                ]}
                """#
            let response = try await api.call(.post, "/v1/events", key: api.managerKey, json: body)
            #expect(response.status == 400)
            #expect(response.contentType == "application/problem+json")
            let fields = Set((response.json["errors"]?.arrayValues ?? []).compactMap { $0["field"]?.stringValue })
            #expect(fields == ["events/1/type", "events/2/data/broadcast/id", "events/2/data/registrant/email"])
            let deliveries = try await api.store.deliveries(workspaceID: api.workspace.id, filter: DeliveryFilter(), limit: 10, cursor: nil)
            #expect(deliveries.items.isEmpty, "nothing stored on rejection")

            let good =
                #"{"events": [{"type": "registration.created", "data": {"broadcast": {"id": "b"}, "registrant": {"email": "a@example.com"}}}, {"type": "broadcast.ended", "data": {"broadcast": {"id": "b"}}}]}"#
            let accepted = try await api.call(.post, "/v1/events", key: api.managerKey, json: good)
            #expect(accepted.status == 202)
            #expect(accepted.json["events"]?.arrayCount == 2)
        }
    }

    @Test("malformed JSON is 400, more than 1000 events is 400, a body over 1 MiB is 413", arguments: [StoreEngine.sqlite])
    func limits(engine: StoreEngine) async throws {
        try await withAPI(engine) { api in
            let malformed = try await api.call(.post, "/v1/events", key: api.managerKey, json: #"{"type": "registration.created", "data": "#)
            #expect(malformed.status == 400)
            #expect(malformed.json["code"] == .string("malformed_request"))

            let one = #"{"type": "broadcast.ended", "data": {"broadcast": {"id": "b"}}}"#
            let tooMany = try await api.call(
                .post,
                "/v1/events",
                key: api.managerKey,
                json: #"{"events": [\#(Array(repeating: one, count: 1001).joined(separator: ","))]}"#
            )
            #expect(tooMany.status == 400)

            let padding = String(repeating: "x", count: (1 << 20) + 10)
            let huge = try await api.call(
                .post,
                "/v1/events",
                key: api.managerKey,
                json: #"{"type": "broadcast.ended", "data": {"broadcast": {"id": "b"}, "pad": "\#(padding)"}}"#
            )
            #expect(huge.status == 413)
            #expect(huge.contentType == "application/problem+json")
        }
    }

    @Test("a body nesting deeper than 64 levels is refused naming the limit, and nothing is stored", arguments: [StoreEngine.sqlite])
    func nestingLimit(engine: StoreEngine) async throws {
        try await withAPI(engine) { api in
            _ = try await api.createWebhook()
            func event(nesting depth: Int) -> String {
                let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
                return
                    #"{"type": "registration.created", "data": {"broadcast": {"id": "b"}, "registrant": {"email": "a@example.com"}, "x": \#(deep)}}"#
            }
            // The envelope and `data` take two levels: 62 more reach the limit exactly.
            #expect(try await api.call(.post, "/v1/events", key: api.managerKey, json: event(nesting: 62)).status == 202)
            for depth in [63, 10_000] {
                let refused = try await api.call(.post, "/v1/events", key: api.managerKey, json: event(nesting: depth))
                #expect(refused.status == 400)
                #expect(refused.contentType == "application/problem+json")
                #expect(refused.json["code"] == .string("malformed_request"))
                #expect(refused.json["detail"]?.stringValue?.contains("64 levels") == true, "\(refused.text)")
            }
            let deliveries = try await api.store.deliveries(workspaceID: api.workspace.id, filter: DeliveryFilter(), limit: 10, cursor: nil)
            #expect(deliveries.items.count == 1, "only the event within the limit was stored")
        }
    }

    @Test("list parameters are validated", arguments: [StoreEngine.sqlite])
    func listParameters(engine: StoreEngine) async throws {
        try await withAPI(engine) { api in
            for query in ["limit=0", "limit=201", "limit=abc", "status=lost", "event_type=registered", "since=yesterday"] {
                let response = try await api.call(.get, "/v1/deliveries?\(query)", key: api.managerKey)
                #expect(response.status == 400, "\(query)")
            }
            #expect(try await api.call(.get, "/v1/deliveries?limit=200&status=pending&since=2026-01-01T00:00:00Z", key: api.managerKey).status == 200)
        }
    }
}

extension JSONValue {
    var arrayValues: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    var arrayCount: Int? { arrayValues?.count }
}
