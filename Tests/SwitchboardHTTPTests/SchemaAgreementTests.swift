import AsyncHTTPClient
import Foundation
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardProviders
import SwitchboardTestSupport
import Testing

/// Where the server and its OpenAPI document once disagreed (schemathesis, `.ci/api-fuzz`): each case as the document
/// now says, and nothing stored by a refusal.
@Suite("The server answers as its document says")
struct SchemaAgreementTests {
    @Test("a webhook URL whose host does not resolve yet is accepted (attempts record dns errors); a private one is still refused")
    func unresolvedHostAccepted() async throws {
        try await withAPI(.sqlite) { api in
            _ = try await api.createWebhook(url: "https://not-yet.switchboard.invalid/hooks")
            let private10 = try await api.call(
                .post,
                "/v1/integrations",
                key: api.managerKey,
                json: #"{"provider": "webhook", "settings": {"url": "https://10.0.0.8/hooks", "events": ["registration.created"]}}"#
            )
            #expect(private10.status == 400)
        }
    }

    @Test("another provider's credentials or settings are 409 provider_mismatch; a webhook takes no credentials, not even {}")
    func anotherProvidersFields() async throws {
        // Every provider of the build is listed (none is called: nothing here reaches a provider).
        let everyProvider: @Sendable (HTTPClient) -> ProviderCatalogue = { Providers.catalogue(http: $0) }
        try await withAPI(.sqlite, catalogue: everyProvider) { api in
            let id = try await api.createWebhook()
            let before = try await api.call(.get, "/v1/integrations/\(id)", key: api.memberKey).text
            let credentials = try await api.call(
                .patch,
                "/v1/integrations/\(id)",
                key: api.managerKey,
                json: #"{"credentials": {"access_token": "pat-na1-0000"}}"#
            )
            #expect(credentials.status == 409)
            #expect(credentials.json["code"] == "provider_mismatch")
            #expect(credentials.text.contains("HubSpot's, but this is a Webhook integration"))
            let settings = try await api.call(
                .patch,
                "/v1/integrations/\(id)",
                key: api.managerKey,
                json: #"{"settings": {"channel_id": "C0123ABCD"}}"#
            )
            #expect(settings.status == 409)
            let empty = try await api.call(.patch, "/v1/integrations/\(id)", key: api.managerKey, json: #"{"credentials": {}}"#)
            #expect(empty.status == 400)
            #expect(try await api.call(.get, "/v1/integrations/\(id)", key: api.memberKey).text == before)
        }
    }

    @Test("what the document refuses the server refuses: repeated events, flat custom fields, a string source, empty broadcast ids")
    func refusedAsDocumented() async throws {
        try await withAPI(.sqlite) { api in
            let twice = try await api.call(
                .post,
                "/v1/integrations",
                key: api.managerKey,
                json:
                    #"{"provider": "webhook", "settings": {"url": "https://93.184.216.34/hooks", "events": ["registration.created", "registration.created"]}}"#
            )
            #expect(twice.status == 400)
            #expect(twice.text.contains("settings/events/1"))
            for data in [
                #"{"broadcast": {"id": "b1"}, "registrant": {"email": "ada@example.com", "custom_fields": [1]}}"#,
                #"{"broadcast": {"id": "b1"}, "registrant": {"email": "ada@example.com", "custom_fields": {"role": {"nested": true}}}}"#,
                #"{"broadcast": {"id": "b1"}, "registrant": {"email": "ada@example.com"}, "source": {}}"#,
            ] {
                let event = try await api.call(.post, "/v1/events", key: api.managerKey, json: #"{"type": "registration.created", "data": \#(data)}"#)
                #expect(event.status == 400, "\(data)")
            }
            let flat = try await api.call(
                .post,
                "/v1/events",
                key: api.managerKey,
                json:
                    #"{"type": "registration.created", "data": {"broadcast": {"id": "b1"}, "registrant": {"email": "ada@example.com", "custom_fields": {"seats": 3, "vip": true, "role": null}}, "source": null}}"#
            )
            #expect(flat.status == 202)
            let id = try await api.createWebhook()
            let test = try await api.call(.post, "/v1/integrations/\(id)/test", key: api.managerKey, json: #"{"notification_type": "registration"}"#)
            #expect(test.status == 409, "a webhook's test takes no notification type")
        }
    }
}
