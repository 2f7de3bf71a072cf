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

/// Mailchimp as its public reference documents it, where an emulator written from Switchboard's client had
/// agreed with the client (issue 17, points 10–13).
@Suite("Mailchimp as the real API behaves")
struct MailchimpContractTests {
    @Test("a 404 on a member or a tag fails that contact only; a 404 on the audience is list_not_found")
    func notFoundScopes() async throws {
        let emulator = MailchimpEmulator()
        let key = emulator.state.issueKey()
        let audience = emulator.state.createAudience(named: "Webinar")
        try await emulator.run { url in
            let client = MailchimpClient(http: .shared, apiKey: key, baseURL: url)
            await #expect(
                throws: ProviderFailure.invalid(
                    "Mailchimp answered 404: the member gone@example.com does not exist in the audience (The requested resource could not be found.)"
                )
            ) {
                try await client.recordEvent(audience: audience, email: "gone@example.com", name: "webinar_attended", occurredAt: Date())
            }
            await #expect(
                throws: ProviderFailure.invalid(
                    "Mailchimp answered 404: the member gone@example.com does not exist in the audience (The requested resource could not be found.)"
                )
            ) {
                try await client.tag(audience: audience, email: "gone@example.com", tags: ["vip"])
            }
            emulator.state.deleteAudience(audience)
            await #expect(throws: ProviderFailure.refused(.listNotFound(name: audience))) {
                try await client.upsertMember(audience: audience, email: "ada@example.com", mergeFields: [:])
            }
        }
    }

    @Test("member events carry the source event's time; a re-send keeps it")
    func eventTimes() async throws {
        let emulator = MailchimpEmulator()
        let key = emulator.state.issueKey()
        let audience = emulator.state.createAudience(named: "Webinars")
        let registeredAt = try #require(Timestamp.parse("2026-11-24T16:00:00Z"))
        try await emulator.run { url in
            try await withEngine(.sqlite, catalogue: { Providers.catalogue(http: $0, settings: .init(["SWITCHBOARD_MAILCHIMP_URL": url])) }) {
                harness in
                let id = try await Self.connect(harness, key: key, audience: audience)
                try await harness.ingest([Fixtures.registration("ada@example.com", at: registeredAt)])
                #expect(try await harness.settle())
                let delivery = try #require(try await harness.deliveries(of: id, .succeeded).first)
                _ = try await harness.store.redeliver(workspaceID: harness.workspace.id, id: delivery.id)
                #expect(try await harness.settle())
                let log = try #require(emulator.state.members(of: audience)["ada@example.com"]?.eventLog)
                #expect(log.map(\.name) == ["webinar_registered", "webinar_registered"])
                #expect(log.map(\.occurredAt) == [registeredAt, registeredAt])
            }
        }
    }

    @Test("live sync and a resync of the same key stay within Mailchimp's 10 simultaneous connections (8, two kept in hand)")
    func connectionsShared() async throws {
        let emulator = MailchimpEmulator()
        let key = emulator.state.issueKey()
        let audience = emulator.state.createAudience(named: "Webinars")
        // Members that exist already: the resync updates them one by one, as many at once as it may.
        for index in 0..<200 { emulator.state.putMember("past\(index)@example.com", status: "subscribed", in: audience) }
        emulator.state.delayResponses(by: .milliseconds(40))
        try await emulator.run { url in
            try await withEngine(.sqlite, catalogue: { Providers.catalogue(http: $0, settings: .init(["SWITCHBOARD_MAILCHIMP_URL": url])) }) {
                harness in
                try await harness.ingest((0..<200).map { Fixtures.registration("past\($0)@example.com", at: Date(timeIntervalSinceNow: -86_400)) })
                let id = try await Self.connect(harness, key: key, audience: audience)
                async let resynced = harness.resync(id, lease: 30)
                try await harness.ingest((0..<100).map { Fixtures.registration("live\($0)@example.com") })
                #expect(try await resynced.failed == 0)
                #expect(try await harness.settle())
                #expect(emulator.state.members(of: audience).count == 300)
                #expect(emulator.state.tooManyConnectionsCount == 0, "no request was refused for too many connections")
                #expect(emulator.state.peakConcurrency <= 8)
            }
        }
    }

    @Test("required merge fields the mapping leaves empty, unknown ones and address fields are refused at save and found by validation")
    func requiredMergeFields() async throws {
        let emulator = MailchimpEmulator()
        let key = emulator.state.issueKey()
        let audience = emulator.state.createAudience(named: "Webinars")
        emulator.state.defineMergeField("COMPANY", name: "Company", required: true, in: audience)
        emulator.state.defineMergeField("ADDRESS", name: "Address", type: "address", in: audience)
        try await emulator.run { url in
            try await withEngine(.sqlite, catalogue: { Providers.catalogue(http: $0, settings: .init(["SWITCHBOARD_MAILCHIMP_URL": url])) }) {
                harness in
                let workspace = harness.workspace.id
                func create(_ mapping: [String: String]) async throws -> Integration {
                    try await harness.integrations.create(
                        workspaceID: workspace,
                        provider: "mailchimp",
                        changes: .init(
                            settings: ["audience_id": .string(audience), "merge_fields": .object(mapping.mapValues(JSONValue.string))],
                            credentials: ["api_key": .string(key)]
                        )
                    )
                }
                for (mapping, named) in [
                    (["FNAME": "first_name"], "COMPANY (Company)"), (["COMPANY": "company", "ADDRESS": "custom_fields.a"], "ADDRESS"),
                    (["COMPANY": "company", "SHOE": "custom_fields.size"], "SHOE"),
                ] {
                    do {
                        _ = try await create(mapping)
                        Issue.record("a mapping missing or misusing \(named) was saved")
                    } catch IntegrationError.invalid(let errors) {
                        #expect(errors.map(\.field) == ["settings/merge_fields"])
                        #expect(errors.first?.message.contains(named) == true, "\(errors)")
                    }
                }
                #expect(
                    try await harness.store.integrations(workspaceID: workspace, limit: 10, cursor: nil).items.isEmpty,
                    "nothing refused was stored"
                )

                let created = try await create(["FNAME": "first_name", "COMPANY": "company"])
                let id = try await harness.integrations.completeSetup(workspaceID: workspace, id: created.id).id
                // A field made required in Mailchimp later: validation pauses the integration and names it.
                emulator.state.defineMergeField("ROLE", name: "Role", required: true, in: audience)
                #expect(await harness.sweep() == 1)
                let paused = try #require(try await harness.stored(id))
                #expect(paused.pauseReason == .listNotFound)
                #expect(paused.statusDetail?.contains("requires the merge fields ROLE (Role)") == true, "\(paused.statusDetail ?? "")")
            }
        }
    }

    @Test("numbers, dates and birthdays go in the form Mailchimp accepts; a value it would refuse fails only its contact")
    func typedMergeFields() async throws {
        let emulator = MailchimpEmulator()
        let key = emulator.state.issueKey()
        let audience = emulator.state.createAudience(named: "Webinars")
        emulator.state.defineMergeField("SCORE", type: "number", in: audience)
        emulator.state.defineMergeField("SIGNUP", type: "date", in: audience)
        emulator.state.defineMergeField("BDAY", type: "birthday", in: audience)
        try await emulator.run { url in
            try await withEngine(.sqlite, catalogue: { Providers.catalogue(http: $0, settings: .init(["SWITCHBOARD_MAILCHIMP_URL": url])) }) {
                harness in
                let workspace = harness.workspace.id
                let created = try await harness.integrations.create(
                    workspaceID: workspace,
                    provider: "mailchimp",
                    changes: .init(
                        settings: [
                            "audience_id": .string(audience),
                            "merge_fields": [
                                "FNAME": "first_name", "SCORE": "custom_fields.score", "SIGNUP": "custom_fields.signup", "BDAY": "custom_fields.born",
                            ],
                        ],
                        credentials: ["api_key": .string(key)]
                    )
                )
                let id = try await harness.integrations.completeSetup(workspaceID: workspace, id: created.id).id
                func registration(_ email: String, score: String) -> InboundEvent {
                    InboundEvent(
                        type: .registrationCreated,
                        idempotencyKey: "reg-\(email)",
                        occurredAt: Date(),
                        data: [
                            "broadcast": ["id": "brd_1"],
                            "registrant": [
                                "email": .string(email), "first_name": "Ada",
                                "custom_fields": ["score": .string(score), "signup": "2026-11-24T16:00:00Z", "born": "1815-12-10"],
                            ],
                        ]
                    )
                }
                try await harness.ingest([registration("ada@example.com", score: "42"), registration("bob@example.com", score: "lots")])
                #expect(try await harness.settle())
                let ada = try #require(emulator.state.members(of: audience)["ada@example.com"])
                #expect(ada.mergeFields == ["FNAME": "Ada", "SCORE": "42", "SIGNUP": "2026-11-24", "BDAY": "12/10"])
                #expect(emulator.state.members(of: audience)["bob@example.com"] == nil)
                let failed = try await harness.deliveries(of: id, .failed)
                #expect(failed.count == 1)
                #expect(failed.first?.lastError?.contains("SCORE takes a number") == true, "\(failed.first?.lastError ?? "")")
                #expect(try await harness.stored(id)?.status != .paused)
            }
        }
    }

    /// Creates a Mailchimp integration on `audience` and presses Finish; returns its id.
    static func connect(_ harness: EngineHarness, key: String, audience: String) async throws -> String {
        let created = try await harness.integrations.create(
            workspaceID: harness.workspace.id,
            provider: "mailchimp",
            changes: .init(settings: ["audience_id": .string(audience)], credentials: ["api_key": .string(key)])
        )
        return try await harness.integrations.completeSetup(workspaceID: harness.workspace.id, id: created.id).id
    }
}
