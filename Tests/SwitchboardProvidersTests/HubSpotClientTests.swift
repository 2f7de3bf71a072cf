import AsyncHTTPClient
import Foundation
import SwitchboardDomain
import SwitchboardEmulators
import SwitchboardEngine
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
            #expect(Set(ids.ids.keys) == ["ada@example.com", "grace@example.com"] && ids.refused.isEmpty)
            try await client.addToList(listID, contactIDs: Array(ids.ids.values))
            #expect(emulator.state.memberEmails(of: listID) == ["ada@example.com", "grace@example.com"])
            #expect(try await client.lists(matching: "webinar") == [.init(id: listID, name: "Webinar registrants")])
            #expect(try await client.contactProperties().map(\.name).contains("firstname"))
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

    @Test("a small live batch during a resync rides in the resync's batch upserts instead of costing a call of its own")
    func liveRidesAlong() async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        let listID = emulator.state.createList(named: "Registrants")
        try await emulator.run { url in
            let provider = HubSpotProvider(http: .shared, baseURL: url)
            // 2 requests a second: the page's 10 upserts take about 5 s, so the live batch arrives mid-page.
            let connection = ProviderConnection(
                integrationID: "int_1",
                credentials: ["access_token": token],
                settings: ["list_id": .string(listID), "overwrite_names": true],
                budget: RequestBudget(limit: 2, window: 1)
            )
            let page = (0..<950).map { Contact(email: "past\($0)@example.com") }
            let upserts = "/crm/objects/\(HubSpotAPI.version)/contacts/batch/upsert"
            let resync = Task { await provider.resync(page, over: connection.background()) }
            while emulator.state.requestCount(path: upserts) < 2 { try await Task.sleep(for: .milliseconds(10)) }

            let live = ContactActivity(
                kind: .registered,
                contact: Contact(email: "new@example.com", firstName: "Nia"),
                broadcast: BroadcastReference(id: "brd_1", title: "Launch"),
                occurredAt: Date()
            )
            #expect(await provider.sync([live], over: connection) == [nil])
            #expect(await resync.value.allSatisfy { $0 == nil })

            // 951 contacts in 10 upserts: the live contact took a seat of the page's (alone it would be 11).
            #expect(emulator.state.requestCount(path: upserts) == 10)
            #expect(emulator.state.contactsByEmail["new@example.com"]?.properties["firstname"] == "Nia")
            #expect(emulator.state.memberEmails(of: listID).count == 951)
            #expect(emulator.state.marketingEvents["brd_1"]?.participations.map(\.email) == ["new@example.com"])
        }
    }
}
