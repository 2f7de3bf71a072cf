import AsyncHTTPClient
import SwitchboardDomain
import SwitchboardProviders
import Testing

/// The HubSpot client against the emulator: what it sends, and how it reads every kind of refusal.
@Suite("HubSpot client and validation")
struct HubSpotClientTests {
    @Test("contacts are upserted by email and added to the selected list")
    func upsertAndList() async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        let listID = emulator.state.createList(named: "Webinar registrants")
        try await emulator.run { url in
            let client = HubSpotClient(http: .shared, baseURL: url, token: token)
            let ids = try await client.upsertContacts([
                .init(email: "Ada@Example.com", properties: ["firstname": "Ada"]), .init(email: "grace@example.com", properties: [:]),
            ])
            #expect(Set(ids.keys) == ["ada@example.com", "grace@example.com"])
            try await client.addToList(listID, contactIDs: Array(ids.values))
            #expect(emulator.state.memberEmails(of: listID) == ["ada@example.com", "grace@example.com"])
            #expect(try await client.lists(matching: "webinar") == [.init(id: listID, name: "Webinar registrants")])
            #expect(try await client.contactProperties().contains("firstname"))
        }
    }

    @Test("401, 403, 404 for the list, 429 and 5xx each become what Switchboard acts on")
    func failures() async throws {
        let emulator = HubSpotEmulator(requestsPerWindow: 2, window: 600)
        let token = emulator.state.issueToken()
        let listID = emulator.state.createList(named: "Leads")
        try await emulator.run { url in
            let client = HubSpotClient(http: .shared, baseURL: url, token: token)
            emulator.state.failNext(1, status: 502)
            await #expect(throws: ProviderFailure.unavailable("HubSpot answered 502: internal error")) { try await client.contactProperties() }
            emulator.state.deleteList(listID)
            await #expect(throws: ProviderFailure.refused(.listNotFound(name: listID))) { try await client.addToList(listID, contactIDs: ["1"]) }
            await #expect(throws: ProviderFailure.throttled(retryAfter: 600)) { try await client.contactProperties() }

            let other = emulator.state.issueToken()
            emulator.state.removeScope(HubSpotScopes.schemasRead, from: other)
            let limited = HubSpotClient(http: .shared, baseURL: url, token: other)
            await #expect(throws: ProviderFailure.refused(.missingPermissions(scopes: [HubSpotScopes.schemasRead]))) {
                try await limited.contactProperties()
            }
            emulator.state.revoke(other)
            await #expect(throws: ProviderFailure.refused(.expiredCredentials("the access token is invalid, expired or revoked"))) {
                try await limited.contactProperties()
            }
        }
    }

    @Test("validation finds a revoked token, a missing scope and a deleted list, and passes when all hold")
    func validation() async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        let listID = emulator.state.createList(named: "Leads")
        let settings = HubSpotSettings(listID: listID, listName: "Leads")
        try await emulator.run { url in
            let client = HubSpotClient(http: .shared, baseURL: url, token: token)
            #expect(try await HubSpotValidation.check(client, settings: settings) == nil)
            emulator.state.deleteList(listID)
            #expect(try await HubSpotValidation.check(client, settings: settings) == .listNotFound(name: "“Leads”"))
            #expect(try await HubSpotValidation.check(client, settings: HubSpotSettings()) == nil, "no list selected, none needed")
            emulator.state.removeScope(HubSpotScopes.listsWrite, from: token)
            #expect(try await HubSpotValidation.check(client, settings: settings) == .missingPermissions(scopes: [HubSpotScopes.listsWrite]))
            emulator.state.revoke(token)
            let failure = try await HubSpotValidation.check(client, settings: settings)
            #expect(failure?.pauseReason == .expiredCredentials)
        }
    }
}
