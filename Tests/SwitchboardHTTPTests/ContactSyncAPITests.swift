import Foundation
import SwitchboardDomain
import SwitchboardEmulators
import SwitchboardProviders
import SwitchboardTestSupport
import Testing

/// The contact-sync routes over HTTP: create with credentials (never echoed), Finish, options, and the
/// tenancy rules of the foundation for them.
@Suite("Contact-sync integrations over the API")
struct ContactSyncAPITests {
    @Test("HubSpot: created setup_incomplete with masked credentials; Finish and options follow the tenancy rules")
    func hubspotOverHTTP() async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        let listID = emulator.state.createList(named: "Webinar registrants")
        try await emulator.run { url in
            try await withAPI(.sqlite, catalogue: { Providers.catalogue(http: $0, settings: .init(["SWITCHBOARD_HUBSPOT_URL": url])) }) { api in
                let providers = try await api.call(.get, "/v1/providers", key: api.memberKey)
                #expect(providers.json["data"].map { "\($0)" }?.contains("hubspot") == true)

                let invalid = try await api.call(
                    .post,
                    "/v1/integrations",
                    key: api.managerKey,
                    json: #"{"provider": "hubspot", "settings": {"list_id": 7, "properties": {"jobtitle": "shoe_size"}}, "credentials": {}}"#
                )
                #expect(invalid.status == 400)
                #expect(invalid.text.contains("credentials/access_token") && invalid.text.contains("settings/properties/jobtitle"))
                #expect(try await api.store.integrations(workspaceID: api.workspace.id, limit: 10, cursor: nil).items.isEmpty)

                let created = try await api.call(
                    .post,
                    "/v1/integrations",
                    key: api.managerKey,
                    json: #"{"provider": "hubspot", "settings": {"list_id": "\#(listID)"}, "credentials": {"access_token": "\#(token)"}}"#
                )
                #expect(created.status == 201)
                #expect(!created.text.contains(token))
                #expect(created.json["status"] == "setup_incomplete")
                #expect(created.json["setup"]?["authorized"] == .bool(true))
                #expect(created.json["credentials"]?["access_token"]?.stringValue?.contains("…") == true)
                let id = try #require(created.json["id"]?.stringValue)

                #expect(try await api.call(.post, "/v1/integrations/\(id)/complete-setup", key: api.memberKey).status == 403)
                #expect(try await api.call(.post, "/v1/integrations/\(id)/complete-setup", key: api.otherManagerKey).status == 404)
                #expect(try await api.call(.get, "/v1/integrations/\(id)/options", key: api.otherManagerKey).status == 404)
                let options = try await api.call(.get, "/v1/integrations/\(id)/options", key: api.memberKey)
                #expect(options.status == 200)
                #expect(options.json["options"]?["lists"] == [["id": .string(listID), "name": "Webinar registrants"]])

                let finished = try await api.call(.post, "/v1/integrations/\(id)/complete-setup", key: api.managerKey)
                #expect(finished.json["status"] == "active")

                // Resync: a job with progress, cancellable; only managers, only this workspace.
                #expect(try await api.call(.post, "/v1/integrations/\(id)/resync", key: api.memberKey).status == 403)
                #expect(try await api.call(.post, "/v1/integrations/\(id)/resync", key: api.otherManagerKey).status == 404)
                let badResync = try await api.call(.post, "/v1/integrations/\(id)/resync", key: api.managerKey, json: #"{"broadcasts": 1}"#)
                #expect(badResync.status == 400)
                // More broadcasts than one resync may name: refused with the limit, before any bound parameter overflows.
                let many = (0...1000).map { #""brd_\#($0)""# }.joined(separator: ",")
                let tooMany = try await api.call(.post, "/v1/integrations/\(id)/resync", key: api.managerKey, json: #"{"broadcast_ids": [\#(many)]}"#)
                #expect(tooMany.status == 400)
                #expect(tooMany.json["errors"]?.arrayValues?.first?["field"] == .string("broadcast_ids"))
                #expect(tooMany.text.contains("at most 1000"))
                let resync = try await api.call(.post, "/v1/integrations/\(id)/resync", key: api.managerKey, json: #"{"broadcast_ids": ["brd_1"]}"#)
                #expect(resync.status == 202)
                #expect(resync.json["kind"] == "resync" && resync.json["status"] == "queued")
                #expect(resync.json["progress"] == ["done": 0, "total": 0, "failed": 0])
                #expect(try await api.call(.post, "/v1/integrations/\(id)/resync", key: api.managerKey).status == 409)
                let jobID = try #require(resync.json["id"]?.stringValue)
                let cancelled = try await api.call(.post, "/v1/jobs/\(jobID)/cancel", key: api.managerKey)
                #expect(cancelled.json["status"] == "cancelled")

                // A selection HubSpot refuses is not saved: 409 with the reason.
                emulator.state.deleteList(listID)
                let other = emulator.state.createList(named: "Other")
                emulator.state.deleteList(other)
                let refused = try await api.call(
                    .patch,
                    "/v1/integrations/\(id)",
                    key: api.managerKey,
                    json: #"{"settings": {"list_id": "\#(other)"}}"#
                )
                #expect(refused.status == 409)
                #expect(refused.json["code"] == "list_not_found")
                let stored = try await api.call(.get, "/v1/integrations/\(id)", key: api.managerKey)
                #expect(stored.json["settings"]?["list_id"]?.stringValue == listID)
            }
        }
    }
}

/// The OAuth callback: no API key, a page for the manager's browser, nothing changed on a bad state.
@Suite("OAuth callback")
struct OAuthCallbackTests {
    @Test("a forged state or a refusal answers an HTML page with 409 and changes nothing; a link without a state 400")
    func refusals() async throws {
        try await withAPI(.sqlite) { api in
            let forged = try await api.call(.get, "/v1/oauth/callback?code=abc&state=forged", key: nil)
            #expect(forged.status == 409)
            #expect(forged.contentType?.hasPrefix("text/html") == true)
            #expect(forged.text.contains("state is not a connection Switchboard started"))
            let denied = try await api.call(.get, "/v1/oauth/callback?error=access_denied&state=x", key: nil)
            #expect(denied.status == 409 && denied.text.contains("access_denied"))
            #expect(try await api.call(.get, "/v1/oauth/callback?code=abc", key: nil).status == 400)
            let authorize = try await api.call(.post, "/v1/integrations/\(try await api.createWebhook())/authorize", key: api.managerKey)
            #expect(authorize.status == 409)
        }
    }
}

/// Manager keys may carry the holder's email: notifications are emailed there.
@Suite("API keys with notification emails")
struct APIKeyEmailTests {
    @Test("a manager key takes an email; a member key or a malformed address is refused and nothing is stored")
    func emails() async throws {
        try await withAPI(.sqlite) { api in
            let created = try await api.call(.post, "/v1/api-keys", key: api.managerKey, json: #"{"role": "manager", "email": "ada@example.com"}"#)
            #expect(created.status == 201)
            #expect(created.json["email"] == "ada@example.com")
            let member = try await api.call(.post, "/v1/api-keys", key: api.managerKey, json: #"{"role": "member", "email": "bob@example.com"}"#)
            #expect(member.status == 400)
            let malformed = try await api.call(
                .post,
                "/v1/api-keys",
                key: api.managerKey,
                json: #"{"role": "manager", "email": "ada@\nexample.com"}"#
            )
            #expect(malformed.status == 400)
            #expect(try await api.store.managerEmails(workspaceID: api.workspace.id) == ["ada@example.com"])
        }
    }
}
