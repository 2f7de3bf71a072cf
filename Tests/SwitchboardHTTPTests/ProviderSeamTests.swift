import AsyncHTTPClient
import Foundation
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardStore
import SwitchboardTestSupport
import Testing

/// The provider seam over HTTP: the webhook is a provider of the catalogue like the others, and a provider
/// without a capability this engine drives answers a clear problem, never another provider's behaviour.
@Suite("Providers as plug-ins")
struct ProviderSeamTests {
    /// A provider listed with no capability: only its catalogue entry.
    struct Pigeon: IntegrationProvider {
        var description: ProviderDescription {
            ProviderDescription(
                provider: "pigeon",
                category: "Notification Providers",
                displayName: "Carrier pigeon",
                credentials: [],
                settings: ["loft"],
                events: []
            )
        }
    }

    @Sendable static func catalogue(_: HTTPClient) -> ProviderCatalogue {
        ProviderCatalogue([Pigeon()])
    }

    @Test("the catalogue lists the webhook first and every provider with its category; creating one without a capability is 409 and stores nothing")
    func listedButNotDriven() async throws {
        try await withAPI(.sqlite, catalogue: Self.catalogue) { api in
            let providers = try await api.call(.get, "/v1/providers", key: api.memberKey)
            var listed: [String] = []
            if case .array(let entries)? = providers.json["data"] { listed = entries.compactMap { $0["provider"]?.stringValue } }
            #expect(listed == ["webhook", "pigeon"])
            let created = try await api.call(
                .post,
                "/v1/integrations",
                key: api.managerKey,
                json: #"{"provider": "pigeon", "settings": {"loft": "north"}}"#
            )
            #expect(created.status == 409)
            #expect(created.json["code"] == "unsupported_operation")
            #expect(created.text.contains("Carrier pigeon integrations cannot be created or changed"))
            #expect(try await api.store.integrations(workspaceID: api.workspace.id, limit: 10, cursor: nil).items.isEmpty)
        }
    }

    @Test("an integration whose provider has no capability here is never handled as a webhook: change, resume and test are 409")
    func noWebhookFallback() async throws {
        try await withAPI(.sqlite, catalogue: Self.catalogue) { api in
            let id = try await api.createWebhook()
            // The integration belongs to a provider the engine lists but cannot drive (made so in the store).
            let read = try #require(try await api.store.integration(workspaceID: api.workspace.id, id: id))
            var changed = read
            changed.provider = "pigeon"
            try await api.store.updateIntegration(changed, from: read)
            let shown = try await api.call(.get, "/v1/integrations/\(id)", key: api.memberKey)
            #expect(shown.json["category"] == "Notification Providers")
            let patched = try await api.call(
                .patch,
                "/v1/integrations/\(id)",
                key: api.managerKey,
                json: #"{"settings": {"url": "https://93.184.216.34/other"}}"#
            )
            #expect(patched.status == 409, "\(patched.text)")
            #expect(try await api.call(.post, "/v1/integrations/\(id)/test", key: api.managerKey).status == 409)
            #expect(try await api.call(.post, "/v1/integrations/\(id)/pause", key: api.managerKey).status == 200)
            #expect(try await api.call(.post, "/v1/integrations/\(id)/resume", key: api.managerKey).status == 409)
            let stored = try #require(try await api.store.integration(workspaceID: api.workspace.id, id: id))
            #expect(stored.settings == read.settings, "nothing was changed")
        }
    }
}
