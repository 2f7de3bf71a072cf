import AsyncHTTPClient
import Foundation
import Logging
import SwitchboardDomain
import SwitchboardEmulators
import SwitchboardEngine
import SwitchboardProviders
import SwitchboardStore
import SwitchboardTestSupport
import Testing

/// HubSpot as its public reference documents it, where an emulator written from Switchboard's client had agreed
/// with the client (issue 17, points 2–9; point 1 is `ContactSyncEngineTests.keepsExistingNames`).
@Suite("HubSpot as the real API behaves")
struct HubSpotContractTests {
    @Test(
        "one contact HubSpot refuses fails alone; the rest of its batch is synced (multi-status, or split when refused whole)",
        arguments: [false, true]
    )
    func oneBadContact(refusedWhole: Bool) async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        emulator.state.defineProperty("score", label: "Score", type: "number")
        emulator.state.refuseBatchesWhole(refusedWhole)
        try await emulator.run { url in
            try await withEngine(.sqlite, catalogue: { Providers.catalogue(http: $0, settings: .init(["SWITCHBOARD_HUBSPOT_URL": url])) }) {
                harness in
                let id = try await Self.connect(harness, token: token, settings: ["properties": ["score": "custom_fields.score"]])
                let scores = ["ada": "10", "bob": "lots", "cy": "30", "di": "40"]
                try await harness.ingest(
                    scores.sorted { $0.key < $1.key }.map { Self.registration("\($0.key)@example.com", fields: ["score": $0.value]) }
                )
                #expect(try await harness.settle())
                let contacts = emulator.state.contactsByEmail
                #expect(Set(contacts.keys) == ["ada@example.com", "cy@example.com", "di@example.com"])
                #expect(contacts["cy@example.com"]?.properties["score"] == "30")
                let failed = try await harness.deliveries(of: id, .failed)
                #expect(failed.count == 1)
                #expect(failed.first?.lastError?.contains("HubSpot refused the contact bob@example.com: lots was not a valid number") == true)
                #expect(try await harness.stored(id)?.status != .paused)

                // A resync page: 150 contacts, one bad, in batches of 100.
                let provider = HubSpotProvider(http: .shared, baseURL: url)
                let page = (0..<150).map { Contact(email: "past\($0)@example.com", customFields: ["score": $0 == 120 ? "n/a" : "\($0)"]) }
                let connection = ProviderConnection(
                    integrationID: "int_page",
                    credentials: ["access_token": token],
                    settings: ["properties": ["score": "custom_fields.score"], "overwrite_names": true],
                    budget: RequestBudget(limit: 100, window: 10)
                )
                let results = await provider.resync(page, over: connection.background())
                #expect(results.indices.filter { results[$0] != nil } == [120])
                #expect(emulator.state.contactCount == 3 + 149)
            }
        }
    }

    @Test("a broadcast's marketing event is upserted once with the documented PUT, across a restart; attendance sends joinedAt and leftAt only")
    func marketingEvents() async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        try await emulator.run { url in
            try await withStore(.sqlite) { store in
                let broadcast = BroadcastReference(id: "brd_9", title: "Launch week")
                let joined = Date(timeIntervalSince1970: 1_764_000_000)
                let activities = [
                    ContactActivity(kind: .registered, contact: Contact(email: "ada@example.com"), broadcast: broadcast, occurredAt: joined),
                    ContactActivity(
                        kind: .attended(joinedAt: joined, leftAt: joined.addingTimeInterval(1800), watchSeconds: 1800),
                        contact: Contact(email: "ada@example.com"),
                        broadcast: broadcast,
                        occurredAt: joined
                    ),
                ]
                let connection = ProviderConnection(
                    integrationID: "int_1",
                    credentials: ["access_token": token],
                    settings: ["overwrite_names": true],
                    budget: RequestBudget(limit: 100, window: 10),
                    memory: ProviderMemory(store: store, integrationID: "int_1")
                )
                // Two processes, or one before and after a restart: each a provider of its own over the same store.
                for _ in 0..<2 {
                    let provider = HubSpotProvider(http: .shared, baseURL: url)
                    #expect(await provider.sync(activities, over: connection) == [nil, nil])
                }
                let path = "/marketing/marketing-events/\(HubSpotAPI.version)/events/brd_9"
                #expect(emulator.state.requestCount(path: path) == 1, "\(emulator.state.requestCounts)")
                let event = try #require(emulator.state.marketingEvents["brd_9"])
                #expect(event.eventName == "Launch week" && event.externalAccountId == "int_1")
                let attended = event.participations.filter { $0.state == "attend" }
                #expect(attended.count == 2)
                #expect(attended.first?.properties == ["joinedAt": "1764000000000", "leftAt": "1764001800000"])
            }
        }
    }

    @Test("EU tokens and Service Keys pass validation; a token the info endpoint does not know is probed, never called expired")
    func tokenKinds() async throws {
        let emulator = HubSpotEmulator()
        let europe = emulator.state.issueToken("pat-eu1-\(UUID().uuidString.lowercased())")
        let serviceKey = emulator.state.issueToken("pat-na2-\(UUID().uuidString.lowercased())", kind: .serviceKey)
        let listID = emulator.state.createList(named: "Leads")
        let settings = HubSpotSettings(listID: listID, listName: "Leads")
        try await emulator.run { (url: String) async throws in
            for token in [europe, serviceKey] {
                #expect(try await HubSpotValidation.check(HubSpotClient(http: .shared, baseURL: url, token: token), settings: settings) == nil)
            }
            emulator.state.removeScope(HubSpotScopes.marketingEventsWrite, from: serviceKey)
            let client = HubSpotClient(http: .shared, baseURL: url, token: serviceKey)
            #expect(
                try await HubSpotValidation.check(client, settings: settings) == .missingPermissions(scopes: [HubSpotScopes.marketingEventsWrite])
            )
            emulator.state.revoke(serviceKey)
            #expect(try await HubSpotValidation.check(client, settings: settings)?.pauseReason == .expiredCredentials, "the API itself says 401")
        }
    }

    @Test("the list picker offers every static list of contacts, over many pages; an active list is refused at save and paused by validation")
    func listPicker() async throws {
        let emulator = HubSpotEmulator(requestsPerWindow: 1000)
        let token = emulator.state.issueToken()
        let lists = (0..<620).map { emulator.state.createList(named: "Webinar \($0)", processingType: $0 % 2 == 0 ? "MANUAL" : "SNAPSHOT") }
        let active = emulator.state.createList(named: "Engaged leads", processingType: "DYNAMIC")
        _ = emulator.state.createList(named: "Partner companies", objectTypeId: "0-2")
        try await emulator.run { url in
            try await withEngine(.sqlite, catalogue: { Providers.catalogue(http: $0, settings: .init(["SWITCHBOARD_HUBSPOT_URL": url])) }) {
                harness in
                let workspace = harness.workspace.id
                let id = try await Self.connect(harness, token: token, settings: ["list_id": .string(lists[0])])
                let options = try await harness.integrations.options(workspaceID: workspace, id: id)
                #expect(Set(options["lists"]?.map(\.id) ?? []) == Set(lists))
                do {
                    _ = try await harness.integrations.update(workspaceID: workspace, id: id, changes: .init(settings: ["list_id": .string(active)]))
                    Issue.record("an active list was saved")
                } catch IntegrationError.invalid(let errors) {
                    #expect(errors.map(\.field) == ["settings/list_id"])
                    #expect(errors.first?.message.contains("“Engaged leads” is an active (dynamic) list") == true, "\(errors)")
                }
                #expect(try await harness.store.integration(workspaceID: workspace, id: id)?.settings.contains(lists[0]) == true)
                // A list saved before types were checked: validation pauses the integration and says why.
                emulator.state.setProcessingType("DYNAMIC", of: lists[0])
                #expect(await harness.sweep() == 1)
                let paused = try #require(try await harness.stored(id))
                #expect(paused.pauseReason == .listNotFound)
                #expect(paused.statusDetail?.contains("static (manual or snapshot) list") == true, "\(paused.statusDetail ?? "")")
            }
        }
    }

    @Test("read-only and calculated properties are not offered; a mapping to one, or to an unknown property, is refused at save")
    func propertyOptions() async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        emulator.state.defineProperty("jobtitle", label: "Job Title")
        try await emulator.run { url in
            try await withEngine(.sqlite, catalogue: { Providers.catalogue(http: $0, settings: .init(["SWITCHBOARD_HUBSPOT_URL": url])) }) {
                harness in
                let workspace = harness.workspace.id
                let id = try await Self.connect(harness, token: token, settings: [:])
                let offered = Set(try await harness.integrations.options(workspaceID: workspace, id: id)["properties"]?.map(\.id) ?? [])
                #expect(offered.isSuperset(of: ["email", "firstname", "jobtitle"]))
                #expect(offered.isDisjoint(with: ["hs_object_id", "createdate", "lastmodifieddate", "hubspotscore"]))
                for (property, says) in [
                    ("hubspotscore", "hubspotscore cannot be written"), ("shoe_size", "HubSpot has no contact property shoe_size"),
                ] {
                    do {
                        _ = try await harness.integrations.update(
                            workspaceID: workspace,
                            id: id,
                            changes: .init(settings: ["properties": .object([property: "custom_fields.role"])])
                        )
                        Issue.record("a mapping to \(property) was saved")
                    } catch IntegrationError.invalid(let errors) {
                        #expect(errors.map(\.field) == ["settings/properties"] && errors.first?.message.contains(says) == true, "\(errors)")
                    }
                }
                // A mapped property deleted in HubSpot later: every contact would be refused alike, so the integration pauses.
                _ = try await harness.integrations.update(
                    workspaceID: workspace,
                    id: id,
                    changes: .init(settings: ["properties": ["jobtitle": "custom_fields.role"]])
                )
                emulator.state.deleteProperty("jobtitle")
                try await harness.ingest([Self.registration("ada@example.com", fields: ["role": "CTO"])])
                #expect(try await harness.settle())
                let paused = try #require(try await harness.stored(id))
                #expect(paused.pauseReason == .listNotFound)
                #expect(paused.statusDetail?.contains("Property \"jobtitle\" does not exist") == true, "\(paused.statusDetail ?? "")")
            }
        }
    }

    @Test("the daily limit holds deliveries until the next hour and shows failed_sync saying so; the window's limit comes from HubSpot's headers")
    func rateLimits() async throws {
        // The daily limit lifts at the next hour: a run that would cross it waits for the hour to begin (selectors
        // wait out a limit lifting within 30 s rather than refuse).
        let toNextHour = 3600 - Date().timeIntervalSince1970.truncatingRemainder(dividingBy: 3600)
        if toNextHour < 90 { try await Task.sleep(for: .seconds(toNextHour + 1)) }
        let emulator = HubSpotEmulator(requestsPerWindow: 190)
        let token = emulator.state.issueToken()
        try await emulator.run { url in
            let budget = RequestBudget(limit: 100, window: 10)
            let connection = ProviderConnection(integrationID: "int_1", credentials: ["access_token": token], settings: [:], budget: budget)
            _ = try await HubSpotProvider(http: .shared, baseURL: url).options(connection)
            #expect(budget.limit == 190, "a Professional portal's 190 per 10 s, from X-HubSpot-RateLimit-Max")

            try await withEngine(.sqlite, catalogue: { Providers.catalogue(http: $0, settings: .init(["SWITCHBOARD_HUBSPOT_URL": url])) }) {
                harness in
                let id = try await Self.connect(harness, token: token, settings: [:])
                emulator.state.reachDailyLimit()
                let before = emulator.state.requestCount
                let nextHour = (Date().timeIntervalSince1970 / 3600).rounded(.down) * 3600 + 3600
                try await harness.ingest([Self.registration("ada@example.com")])
                var integration = try #require(try await harness.stored(id))
                let deadline = ContinuousClock.now + .seconds(60)
                while integration.status != .failedSync, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                    integration = try #require(try await harness.stored(id))
                }
                #expect(integration.status == .failedSync)
                #expect(integration.statusDetail?.contains("daily API limit") == true, "\(integration.statusDetail ?? "")")
                try await Task.sleep(for: .seconds(1))
                #expect(emulator.state.requestCount - before <= 2, "not retried every few seconds")
                // Nothing waits an hour inside a call: the selectors answer at once that HubSpot cannot be reached now.
                let asked = ContinuousClock.now
                await #expect(throws: IntegrationError.self) { try await harness.integrations.options(workspaceID: harness.workspace.id, id: id) }
                #expect(ContinuousClock.now - asked < .seconds(5))
                let waiting = try #require(try await harness.deliveries(of: id, .pending).first)
                #expect(Double(waiting.nextAttemptAt ?? 0) / 1000 >= nextHour, "waits for the next hour")
            }
        }
    }

    @Test("a 403 other than missing scopes pauses with missing_permissions and HubSpot's own words")
    func permissionDenied() async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        try await emulator.run { url in
            try await withEngine(.sqlite, catalogue: { Providers.catalogue(http: $0, settings: .init(["SWITCHBOARD_HUBSPOT_URL": url])) }) {
                harness in
                let id = try await Self.connect(harness, token: token, settings: [:])
                emulator.state.removeUser(of: token)
                try await harness.ingest([Self.registration("ada@example.com")])
                #expect(try await harness.settle())
                let paused = try #require(try await harness.stored(id))
                #expect(paused.pauseReason == .missingPermissions)
                #expect(paused.statusDetail?.contains("no longer has access to this HubSpot account") == true, "\(paused.statusDetail ?? "")")
                #expect(paused.statusDetail?.contains("unknown scope") == false)
            }
        }
    }

    @Test("every call goes to the date-versioned paths; the emulator still answers v3")
    func versionedPaths() async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        let listID = emulator.state.createList(named: "Leads")
        try await emulator.run { url in
            try await withEngine(.sqlite, catalogue: { Providers.catalogue(http: $0, settings: .init(["SWITCHBOARD_HUBSPOT_URL": url])) }) {
                harness in
                _ = try await Self.connect(harness, token: token, settings: ["list_id": .string(listID)])
                try await harness.ingest([Self.registration("ada@example.com"), Fixtures.attendance("ada@example.com", seconds: 60)])
                #expect(try await harness.settle())
                let paths = emulator.state.requestCounts.keys
                #expect(!paths.isEmpty && paths.allSatisfy { $0.contains("/\(HubSpotAPI.version)/") }, "\(paths.sorted())")
            }
        }
    }

    // MARK: - Helpers

    static func connect(_ harness: EngineHarness, token: String, settings: [String: JSONValue]) async throws -> String {
        let created = try await harness.integrations.create(
            workspaceID: harness.workspace.id,
            provider: "hubspot",
            changes: .init(settings: settings, credentials: ["access_token": .string(token)])
        )
        return try await harness.integrations.completeSetup(workspaceID: harness.workspace.id, id: created.id).id
    }

    static func registration(_ email: String, fields: [String: String] = [:]) -> InboundEvent {
        InboundEvent(
            type: .registrationCreated,
            idempotencyKey: "reg-\(email)",
            occurredAt: Date(),
            data: [
                "broadcast": ["id": "brd_1", "title": "Launch week"],
                "registrant": ["email": .string(email), "first_name": "Ada", "custom_fields": .object(fields.mapValues(JSONValue.string))],
            ]
        )
    }
}
