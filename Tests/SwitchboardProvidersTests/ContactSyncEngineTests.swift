import AsyncHTTPClient
import Foundation
import SwitchboardDomain
import SwitchboardEmulators
import SwitchboardEngine
import SwitchboardProviders
import SwitchboardStore
import SwitchboardTestSupport
import Testing

/// HubSpot and Mailchimp integrations end to end: created through the service, finished, fed by ingest,
/// delivered by the dispatcher into the emulators, and driven into every status by changing the emulator.
@Suite("Contact sync through the engine")
struct ContactSyncEngineTests {
    @Test("HubSpot: setup, live sync of contacts, list and marketing-event activity", arguments: StoreEngine.allCases)
    func hubspotLiveSync(_ engine: StoreEngine) async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        let listID = emulator.state.createList(named: "Webinar registrants")
        emulator.state.defineProperty("jobtitle", label: "Job Title")
        try await emulator.run { url in
            try await withEngine(engine, catalogue: { Providers.catalogue(http: $0, settings: .init(["SWITCHBOARD_HUBSPOT_URL": url])) }) { harness in
                let workspace = harness.workspace.id
                var integration = try await harness.integrations.create(
                    workspaceID: workspace,
                    provider: "hubspot",
                    changes: .init(
                        settings: ["list_id": .string(listID), "list_name": "Webinar registrants", "properties": ["jobtitle": "custom_fields.role"]],
                        credentials: ["access_token": .string(token)]
                    )
                )
                // Authorized and every setting valid, but nothing is sent before the manager presses Finish.
                #expect(integration.status == .setupIncomplete)
                #expect(integration.statusDetail == "Setup is not finished: press Finish.")
                try await harness.ingest([registration("early@example.com", role: "CEO")])
                #expect(try await harness.settle())
                #expect(emulator.state.contactsByEmail.isEmpty)

                integration = try await harness.integrations.completeSetup(workspaceID: workspace, id: integration.id)
                #expect(integration.status == .active)
                try await harness.ingest([
                    registration("ada@example.com", role: "CTO"), registration("grace@example.com", role: "Admiral"),
                    Fixtures.attendance("ada@example.com", seconds: 1200),
                ])
                #expect(try await harness.settle())
                let contacts = emulator.state.contactsByEmail
                #expect(contacts["ada@example.com"]?.properties["jobtitle"] == "CTO")
                #expect(contacts["ada@example.com"]?.properties["firstname"] == "Ada")
                #expect(contacts["grace@example.com"]?.properties["jobtitle"] == "Admiral")
                #expect(contacts["early@example.com"] == nil)
                #expect(emulator.state.memberEmails(of: listID) == ["ada@example.com", "grace@example.com"])
                let event = try #require(emulator.state.marketingEvents["brd_1"])
                #expect(event.externalAccountId == integration.id)
                #expect(Set(event.participations.filter { $0.state == "register" }.map(\.email)) == ["ada@example.com", "grace@example.com"])
                #expect(event.participations.filter { $0.state == "attend" }.map(\.email) == ["ada@example.com"])
                let succeeded = try await harness.store.deliveries(
                    workspaceID: workspace,
                    filter: DeliveryFilter(integrationID: integration.id, status: .succeeded),
                    limit: 10,
                    cursor: nil
                )
                #expect(succeeded.items.count == 3)
            }
        }
    }

    @Test("HubSpot: a revoked token pauses with expired_credentials, notifies, and resume answers 409 until fixed")
    func hubspotRevokedToken() async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        try await emulator.run { url in
            try await withEngine(.sqlite, catalogue: { Providers.catalogue(http: $0, settings: .init(["SWITCHBOARD_HUBSPOT_URL": url])) }) {
                harness in
                let workspace = harness.workspace.id
                let id = try await connectHubSpot(harness, token: token, settings: [:])
                emulator.state.revoke(token)
                try await harness.ingest([registration("ada@example.com", role: "CTO"), registration("alan@example.com", role: "Dev")])
                #expect(try await harness.settle())
                let paused = try #require(try await harness.store.integration(workspaceID: workspace, id: id))
                #expect(paused.status == .paused)
                #expect(paused.pauseReason == .expiredCredentials)
                #expect(paused.statusDetail?.contains("docs/providers/hubspot.md#expired-credentials") == true)
                let skipped = try await harness.store.deliveries(
                    workspaceID: workspace,
                    filter: DeliveryFilter(status: .skipped),
                    limit: 10,
                    cursor: nil
                )
                #expect(skipped.items.count == 2)
                let notifications = try await harness.store.notifications(workspaceID: workspace, limit: 10, cursor: nil).items
                #expect(notifications.map(\.kind) == ["integration.paused"])

                let refusal = await #expect(throws: IntegrationError.self) { try await harness.integrations.resume(workspaceID: workspace, id: id) }
                guard case .conflict(let reason, _)? = refusal else { throw refusal ?? IntegrationError.notFound }
                #expect(reason == "expired_credentials")
                // New credentials are validated when saved; then resume passes.
                let fresh = emulator.state.issueToken()
                _ = try await harness.integrations.update(
                    workspaceID: workspace,
                    id: id,
                    changes: .init(credentials: ["access_token": .string(fresh)])
                )
                #expect(try await harness.integrations.resume(workspaceID: workspace, id: id).status == .active)
            }
        }
    }

    @Test("HubSpot: a removed scope found by the validation sweep pauses with missing_permissions")
    func hubspotMissingScope() async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        let listID = emulator.state.createList(named: "Leads")
        try await emulator.run { url in
            try await withEngine(.sqlite, catalogue: { Providers.catalogue(http: $0, settings: .init(["SWITCHBOARD_HUBSPOT_URL": url])) }) {
                harness in
                let workspace = harness.workspace.id
                let id = try await connectHubSpot(harness, token: token, settings: ["list_id": .string(listID)])
                #expect(await harness.sweep() == 0)
                emulator.state.removeScope(HubSpotScopes.listsWrite, from: token)
                #expect(await harness.sweep() == 1)
                let paused = try #require(try await harness.stored(id))
                #expect(paused.pauseReason == .missingPermissions)
                #expect(paused.statusDetail?.contains(HubSpotScopes.listsWrite) == true)
                emulator.state.deleteList(listID)
                let notifications = try await harness.store.notifications(workspaceID: workspace, limit: 10, cursor: nil).items
                #expect(notifications.count == 1)
            }
        }
    }

    @Test("HubSpot: a 429 storm only slows an integration down; everything arrives and it never shows failed_sync")
    func hubspotRateLimitStorm() async throws {
        // The emulator allows far less than the budget HubSpot's real limit gives, so most calls meet a 429.
        let emulator = HubSpotEmulator(requestsPerWindow: 10, window: 1)
        let token = emulator.state.issueToken()
        try await emulator.run { url in
            try await withEngine(.sqlite, catalogue: { Providers.catalogue(http: $0, settings: .init(["SWITCHBOARD_HUBSPOT_URL": url])) }) {
                harness in
                let workspace = harness.workspace.id
                let id = try await connectHubSpot(harness, token: token, settings: ["overwrite_names": true])
                let emails = (0..<30).map { "person\($0)@example.com" }
                for (index, email) in emails.enumerated() {
                    try await harness.ingest([registration(email, role: "R", broadcast: "brd_\(index % 4)")])
                }
                var statuses: Set<IntegrationStatus> = []
                let deadline = ContinuousClock.now + .seconds(60)
                while ContinuousClock.now < deadline {
                    statuses.insert(try #require(try await harness.store.integration(workspaceID: workspace, id: id)).status)
                    if Set(emulator.state.contactsByEmail.keys).isSuperset(of: emails), try await harness.settle(timeout: .milliseconds(10)) { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(Set(emulator.state.contactsByEmail.keys) == Set(emails))
                #expect(statuses == [.active])
                let succeeded = try await harness.store.deliveries(workspaceID: workspace, filter: .init(status: .succeeded), limit: 100, cursor: nil)
                #expect(succeeded.items.count == emails.count)
            }
        }
    }

    @Test("HubSpot: a 5xx marks the integration failed_sync; the retry that succeeds makes it active again")
    func hubspotOutage() async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        try await emulator.run { url in
            // Retries after 1 s and 2 s: failed_sync lasts long enough to be seen by a poll on a loaded machine.
            let schedule = RetrySchedule(delays: [1, 2], jitter: 0)
            try await withEngine(
                .sqlite,
                schedule: schedule,
                catalogue: { Providers.catalogue(http: $0, settings: .init(["SWITCHBOARD_HUBSPOT_URL": url])) }
            ) {
                harness in
                let id = try await connectHubSpot(harness, token: token, settings: ["overwrite_names": true])
                // Fails the upsert and the first retry.
                emulator.state.failNext(2, status: 503)
                var seen: [IntegrationStatus] = []
                try await harness.ingest([registration("ada@example.com", role: "CTO")])
                // A bound, not a timing: the loop ends as soon as the contact is there. 10 s was overrun twice while the
                // whole suite (browsers included) shared two cores.
                let deadline = ContinuousClock.now + .seconds(40)
                while ContinuousClock.now < deadline {
                    let status = try #require(try await harness.store.integration(workspaceID: harness.workspace.id, id: id)).status
                    if seen.last != status { seen.append(status) }
                    if status == .active && emulator.state.contactsByEmail["ada@example.com"] != nil { break }
                    try await Task.sleep(for: .milliseconds(5))
                }
                #expect(seen.contains(.failedSync))
                #expect(seen.last == .active)
                let delivery = try #require(
                    try await harness.store.deliveries(workspaceID: harness.workspace.id, filter: .init(), limit: 1, cursor: nil).items.first
                )
                #expect(delivery.status == .succeeded && delivery.attempts == 3)
            }
        }
    }

    @Test("Mailchimp: members with merge fields, tags and member events; a deleted audience pauses with list_not_found")
    func mailchimpLiveSync() async throws {
        let emulator = MailchimpEmulator()
        let key = emulator.state.issueKey()
        let audience = emulator.state.createAudience(named: "Webinars", mergeFields: ["FNAME": "First name", "LNAME": "Last name", "ROLE": "Role"])
        try await emulator.run { url in
            try await withEngine(.sqlite, catalogue: { Providers.catalogue(http: $0, settings: .init(["SWITCHBOARD_MAILCHIMP_URL": url])) }) {
                harness in
                let workspace = harness.workspace.id
                let created = try await harness.integrations.create(
                    workspaceID: workspace,
                    provider: "mailchimp",
                    changes: .init(settings: [:], credentials: ["api_key": .string(key)])
                )
                #expect(created.status == .setupIncomplete)
                #expect(created.statusDetail == "Setup is not finished: choose an audience, press Finish.")
                await #expect(throws: IntegrationError.self) { try await harness.integrations.completeSetup(workspaceID: workspace, id: created.id) }
                _ = try await harness.integrations.update(
                    workspaceID: workspace,
                    id: created.id,
                    changes: .init(settings: [
                        "audience_id": .string(audience), "audience_name": "Webinars", "tags": ["webinar"],
                        "merge_fields": ["FNAME": "first_name", "ROLE": "custom_fields.role"],
                    ])
                )
                let id = try await harness.integrations.completeSetup(workspaceID: workspace, id: created.id).id
                try await harness.ingest([registration("ada@example.com", role: "CTO"), Fixtures.attendance("ada@example.com", seconds: 60)])
                #expect(try await harness.settle())
                let member = try #require(emulator.state.members(of: audience)["ada@example.com"])
                #expect(member.mergeFields == ["FNAME": "Ada", "ROLE": "CTO"])
                #expect(member.tags == ["webinar"])
                #expect(member.events.sorted() == ["webinar_attended", "webinar_registered"])

                emulator.state.deleteAudience(audience)
                try await harness.ingest([registration("grace@example.com", role: "Admiral")])
                #expect(try await harness.settle())
                let paused = try #require(try await harness.store.integration(workspaceID: workspace, id: id))
                #expect(paused.pauseReason == .listNotFound)
                #expect(paused.statusDetail?.contains("“Webinars”") == true)
            }
        }
    }

    /// Creates a HubSpot integration and presses Finish, as a manager would; returns its id.
    @Test("HubSpot, overwrite_names off (the default): names already in HubSpot stay; new contacts get theirs", arguments: StoreEngine.allCases)
    func keepsExistingNames(_ engine: StoreEngine) async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        // Typed in by a salesperson before the webinar.
        emulator.state.addContact(email: "ada@example.com", properties: ["firstname": "Augusta", "lastname": "King"])
        try await emulator.run { url in
            try await withEngine(engine, catalogue: { Providers.catalogue(http: $0, settings: .init(["SWITCHBOARD_HUBSPOT_URL": url])) }) { harness in
                _ = try await connectHubSpot(harness, token: token, settings: [:])
                try await harness.ingest([registration("ada@example.com", role: "CTO"), registration("grace@example.com", role: "Admiral")])
                #expect(try await harness.settle())
                let contacts = emulator.state.contactsByEmail
                #expect(contacts["ada@example.com"]?.properties["firstname"] == "Augusta", "an existing first name is not overwritten")
                #expect(contacts["ada@example.com"]?.properties["lastname"] == "King")
                #expect(contacts["grace@example.com"]?.properties["firstname"] == "Grace", "a new contact gets the registrant's name")
            }
        }
    }

    func connectHubSpot(_ harness: EngineHarness, token: String, settings: [String: JSONValue]) async throws -> String {
        let created = try await harness.integrations.create(
            workspaceID: harness.workspace.id,
            provider: "hubspot",
            changes: .init(settings: settings, credentials: ["access_token": .string(token)])
        )
        return try await harness.integrations.completeSetup(workspaceID: harness.workspace.id, id: created.id).id
    }

    func registration(_ email: String, role: String, broadcast: String = "brd_1") -> InboundEvent {
        InboundEvent(
            type: .registrationCreated,
            idempotencyKey: "reg-\(broadcast)-\(email)",
            occurredAt: Date(),
            data: [
                "broadcast": .object(["id": .string(broadcast), "title": .string("Launch week")]),
                "registrant": .object([
                    "email": .string(email), "first_name": .string(email.prefix(1).uppercased() + email.dropFirst().prefix { $0 != "@" }),
                    "custom_fields": .object(["role": .string(role)]),
                ]),
            ]
        )
    }
}
