import Foundation
import HTTPTypes
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardStore
import SwitchboardTestSupport
import Testing

@Suite("API hardening")
struct HardeningAPITests {
    @Test("a member key is refused (403) on every operation that changes something, and nothing changes", arguments: StoreEngine.allCases)
    func memberCannotAct(engine: StoreEngine) async throws {
        try await withAPI(engine) { api in
            let seeded = try await api.seedOneOfEach()
            let integrationID = seeded.integration
            let ids = [
                "integrations": integrationID, "deliveries": seeded.delivery.id, "jobs": seeded.job, "notifications": seeded.notification,
                "api-keys": seeded.managerKey,
            ]
            let before = try #require(try await api.store.integration(workspaceID: api.workspace.id, id: integrationID))

            // Every operation the server documents, so that a route added later is covered without editing this list.
            let document = try await api.call(.get, "/openapi.json", key: nil).json
            let paths = try #require(document["paths"]?.objectValue)
            var tried = 0
            for (template, operations) in paths.sorted(by: { $0.key < $1.key }) {
                let segments = template.split(separator: "/").map(String.init)
                let path =
                    "/"
                    + segments.enumerated().map { index, segment in
                        segment == "{id}" ? ids[segments[index - 1]] ?? "missing" : segment
                    }.joined(separator: "/")
                for method in (operations.objectValue ?? [:]).keys where method != "get" || template.hasSuffix("/secret") {
                    let response = try await api.call(HTTPRequest.Method(method.uppercased())!, path, key: api.memberKey, json: "{}")
                    #expect(response.status == 403, "\(method.uppercased()) \(path) answered \(response.status)")
                    #expect(response.json["code"] == .string("forbidden"))
                    tried += 1
                }
            }
            #expect(tried >= 18, "the document lists every changing operation")
            #expect(try await api.store.integration(workspaceID: api.workspace.id, id: integrationID) == before)
            #expect(try await api.store.notifications(workspaceID: api.workspace.id, limit: 10, cursor: nil).items.first?.readAt == nil)
            #expect(try await api.store.authenticate(apiKey: api.managerKey) != nil)
        }
    }

    @Test("a method a path does not answer is 405 with Allow; an unknown path stays 404")
    func methodNotAllowed() async throws {
        try await withAPI(.sqlite) { api in
            let cases: [(HTTPRequest.Method, String, String)] = [
                (.put, "/v1/integrations", "GET, POST"),
                (.delete, "/v1/events", "POST"),
                (.put, "/v1/integrations/int_x", "DELETE, GET, PATCH"),
                (.get, "/v1/integrations/int_x/pause", "POST"),
            ]
            for (method, path, allow) in cases {
                let response = try await api.call(method, path, key: api.managerKey)
                #expect(response.status == 405, "\(method) \(path)")
                #expect(response.allow == allow, "\(method) \(path)")
                #expect(response.contentType == "application/problem+json")
                #expect(response.json["code"] == .string("method_not_allowed"))
            }
            #expect(try await api.call(.get, "/v1/nothing-here", key: api.managerKey).status == 404)
            #expect(try await api.call(.get, "/v1/integrations/int_x", key: api.managerKey).status == 404, "a declared route still answers")
        }
    }

    @Test("the workspace's last manager key cannot be revoked; with another manager it can", arguments: StoreEngine.allCases)
    func lastManagerKey(engine: StoreEngine) async throws {
        try await withAPI(engine) { api in
            let keys = try await api.store.apiKeys(workspaceID: api.workspace.id)
            let manager = try #require(keys.first { $0.role == .manager })
            let member = try #require(keys.first { $0.role == .member })
            let refused = try await api.call(.delete, "/v1/api-keys/\(manager.id)", key: api.managerKey)
            #expect(refused.status == 409)
            #expect(refused.json["code"] == .string("last_manager_key"))
            #expect(try await api.store.authenticate(apiKey: api.managerKey) != nil)
            // A member key goes whenever asked.
            #expect(try await api.call(.delete, "/v1/api-keys/\(member.id)", key: api.managerKey).status == 204)

            let second = try await api.call(.post, "/v1/api-keys", key: api.managerKey, json: #"{"role":"manager","label":"second"}"#)
            let secondKey = try #require(second.json["key"]?.stringValue)
            #expect(try await api.call(.delete, "/v1/api-keys/\(manager.id)", key: secondKey).status == 204)
            #expect(try await api.store.authenticate(apiKey: api.managerKey) == nil)
            let secondID = try #require(second.json["id"]?.stringValue)
            #expect(try await api.call(.delete, "/v1/api-keys/\(secondID)", key: secondKey).status == 409)
        }
    }

    @Test("a manager email the mailer could not use is refused when the key is created")
    func managerEmails() async throws {
        try await withAPI(.sqlite) { api in
            for email in ["ada@example.com>", "ada(x)@example.com", "ada@example.com,eve@example.com", "a;b@example.com"] {
                let body = try String(decoding: JSONSerialization.data(withJSONObject: ["role": "manager", "email": email]), as: UTF8.self)
                let response = try await api.call(.post, "/v1/api-keys", key: api.managerKey, json: body)
                #expect(response.status == 400, "\(email)")
                #expect(response.json["errors"]?.arrayValues?.first?["field"] == .string("email"))
            }
            #expect(try await api.store.apiKeys(workspaceID: api.workspace.id).count == 2, "nothing was created")
        }
    }

    @Test("a workspace at its integration limit is refused another, with the limit and what to do")
    func integrationLimit() async throws {
        try await withAPI(.sqlite, limits: IntegrationLimits(integrationsPerWorkspace: 2)) { api in
            let first = try await api.createWebhook()
            _ = try await api.createWebhook()
            let refused = try await api.call(
                .post,
                "/v1/integrations",
                key: api.managerKey,
                json: #"{"provider":"webhook","settings":{"url":"https://93.184.216.34/x","events":["registration.created"]}}"#
            )
            #expect(refused.status == 409)
            #expect(refused.json["code"] == .string("integration_limit_reached"))
            #expect(refused.text.contains("SWITCHBOARD_MAX_INTEGRATIONS"))
            #expect(try await api.store.integrationCount(workspaceID: api.workspace.id) == 2)
            // Deleting one makes room; the other workspace has its own limit.
            #expect(try await api.call(.delete, "/v1/integrations/\(first)", key: api.managerKey).status == 204)
            _ = try await api.createWebhook()
            _ = try await api.createWebhook(key: api.otherManagerKey)
        }
    }

    @Test("tests of one integration beyond the limit per minute answer 429 with Retry-After")
    func testRate() async throws {
        try await withAPI(.sqlite, limits: IntegrationLimits(testsPerMinute: 2)) { api in
            let id = try await api.createWebhook()
            for _ in 0..<2 { #expect(try await api.call(.post, "/v1/integrations/\(id)/test", key: api.managerKey).status == 200) }
            let refused = try await api.call(.post, "/v1/integrations/\(id)/test", key: api.managerKey)
            #expect(refused.status == 429)
            #expect(refused.json["code"] == .string("rate_limited"))
            let retryAfter = try #require(refused.headers[.retryAfter].flatMap(Int.init))
            #expect((1...60).contains(retryAfter))
        }
    }

    @Test("re-sending failed or skipped deliveries of a paused integration is refused: nothing would be sent")
    func resendWhilePaused() async throws {
        try await withAPI(.sqlite) { api in
            let id = try await api.createWebhook()
            #expect(try await api.call(.post, "/v1/integrations/\(id)/pause", key: api.managerKey).status == 200)
            for status in ["failed", "skipped"] {
                let refused = try await api.call(
                    .post,
                    "/v1/integrations/\(id)/redeliver",
                    key: api.managerKey,
                    json: #"{"status":"\#(status)","since":"2020-01-01T00:00:00Z"}"#
                )
                #expect(refused.status == 409, "\(status)")
                #expect(refused.json["code"] == .string("integration_paused"))
            }
        }
    }
}
