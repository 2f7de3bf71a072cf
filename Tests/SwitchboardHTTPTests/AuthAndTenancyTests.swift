import Foundation
import HTTPTypes
import SwitchboardDomain
import SwitchboardStore
import SwitchboardTestSupport
import Testing

@Suite("Authentication, roles and tenancy")
struct AuthAndTenancyTests {
    @Test("a missing or unknown key is 401 with a problem document", arguments: StoreEngine.allCases)
    func unauthenticated(engine: StoreEngine) async throws {
        try await withAPI(engine) { api in
            for key in [nil, "sb_mgr_not-a-key"] as [String?] {
                let response = try await api.call(.get, "/v1/integrations", key: key)
                #expect(response.status == 401)
                #expect(response.contentType == "application/problem+json")
                #expect(response.json["code"] == .string("unauthorized"))
                #expect(response.json["status"] == .number(401))
            }
        }
    }

    @Test("a member key reads but changes nothing (403)", arguments: StoreEngine.allCases)
    func memberIsReadOnly(engine: StoreEngine) async throws {
        try await withAPI(engine) { api in
            let id = try await api.createWebhook()
            #expect(try await api.call(.get, "/v1/integrations/\(id)", key: api.memberKey).status == 200)
            let attempts: [(HTTPRequest.Method, String, String?)] = [
                (
                    .post, "/v1/integrations",
                    #"{"provider":"webhook","settings":{"url":"https://93.184.216.34/x","events":["registration.created"]}}"#
                ),
                (.patch, "/v1/integrations/\(id)", #"{"label":"renamed"}"#),
                (.post, "/v1/integrations/\(id)/pause", nil),
                (.get, "/v1/integrations/\(id)/secret", nil),
                (.post, "/v1/integrations/\(id)/secret/rotate", nil),
                (.delete, "/v1/integrations/\(id)", nil),
                (.post, "/v1/events", #"{"type":"broadcast.ended","data":{"broadcast":{"id":"b"}}}"#),
                (.post, "/v1/api-keys", #"{"role":"manager"}"#),
            ]
            for (method, path, body) in attempts {
                let response = try await api.call(method, path, key: api.memberKey, json: body)
                #expect(response.status == 403, "\(method) \(path)")
                #expect(response.json["code"] == .string("forbidden"))
            }
            let integration = try #require(try await api.store.integration(workspaceID: api.workspace.id, id: id))
            #expect(integration.label == "CRM bridge")
            #expect(integration.status == .active)
        }
    }

    @Test("every route called with another workspace's key answers 404 and changes nothing", arguments: StoreEngine.allCases)
    func otherTenantsSeeNothing(engine: StoreEngine) async throws {
        try await withAPI(engine) { api in
            let seeded = try await api.seedOneOfEach()
            let (integrationID, delivery, jobID, keyID) = (seeded.integration, seeded.delivery, seeded.job, seeded.managerKey)

            let before = try #require(try await api.store.integration(workspaceID: api.workspace.id, id: integrationID))
            let calls: [(HTTPRequest.Method, String, String?)] = [
                (.get, "/v1/integrations/\(integrationID)", nil),
                (.patch, "/v1/integrations/\(integrationID)", #"{"label":"stolen"}"#),
                (.delete, "/v1/integrations/\(integrationID)", nil),
                (.post, "/v1/integrations/\(integrationID)/pause", nil),
                (.post, "/v1/integrations/\(integrationID)/resume", nil),
                (.post, "/v1/integrations/\(integrationID)/test", nil),
                (.get, "/v1/integrations/\(integrationID)/secret", nil),
                (.post, "/v1/integrations/\(integrationID)/secret/rotate", nil),
                (.post, "/v1/integrations/\(integrationID)/redeliver", #"{"status":"failed","since":"2020-01-01T00:00:00Z"}"#),
                (.get, "/v1/deliveries/\(delivery.id)", nil),
                (.post, "/v1/deliveries/\(delivery.id)/redeliver", nil),
                (.get, "/v1/jobs/\(jobID)", nil),
                (.post, "/v1/jobs/\(jobID)/cancel", nil),
                (.post, "/v1/notifications/\(seeded.notification)/read", nil),
                (.delete, "/v1/api-keys/\(keyID)", nil),
            ]
            for (method, path, body) in calls {
                let response = try await api.call(method, path, key: api.otherManagerKey, json: body)
                #expect(response.status == 404, "\(method) \(path) answered \(response.status)")
                #expect(response.contentType == "application/problem+json")
            }
            // The lists of the other workspace are empty.
            for path in ["/v1/integrations", "/v1/deliveries", "/v1/notifications"] {
                let response = try await api.call(.get, path, key: api.otherManagerKey)
                #expect(response.json["data"] == .array([]), "\(path)")
            }
            // Nothing changed.
            let after = try #require(try await api.store.integration(workspaceID: api.workspace.id, id: integrationID))
            #expect(after == before)
            #expect(try await api.store.delivery(workspaceID: api.workspace.id, id: delivery.id)?.0 == delivery)
            #expect(try await api.store.markNotificationRead(workspaceID: api.otherWorkspace.id, id: seeded.notification) == nil)
            #expect(try await api.store.authenticate(apiKey: api.managerKey) != nil)
        }
    }
}
