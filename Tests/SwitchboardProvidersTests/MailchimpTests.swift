import AsyncHTTPClient
import Foundation
import NIOCore
import SwitchboardDomain
import SwitchboardEmulators
import SwitchboardEngine
import SwitchboardProviders
import Testing

/// The Mailchimp client against the emulator, and the emulator's contract.
@Suite("Mailchimp client and emulator")
struct MailchimpTests {
    @Test("the subscriber hash is the MD5 of the lowercased email, as Mailchimp documents")
    func subscriberHash() {
        #expect(MailchimpSubscriber.hash("Urist.McVankab@freddiesjokes.com") == "62eeb292278cc15f5817cb78f7790b08")
    }

    @Test("members are upserted by hash with merge fields, tagged, and get member events")
    func members() async throws {
        let emulator = MailchimpEmulator()
        let key = emulator.state.issueKey()
        let audience = emulator.state.createAudience(named: "Webinar", mergeFields: ["COMPANY": "Company"])
        try await emulator.run { url in
            let client = MailchimpClient(http: .shared, apiKey: key, baseURL: url)
            try await client.upsertMember(audience: audience, email: "Ada@example.com", mergeFields: ["FNAME": "Ada"])
            try await client.upsertMember(audience: audience, email: "ada@example.com", mergeFields: ["COMPANY": "Analytical Engines"])
            try await client.tag(audience: audience, email: "ada@example.com", tags: ["webinar-registrant"])
            try await client.recordEvent(audience: audience, email: "ada@example.com", name: "registered", occurredAt: Date())
            let member = try #require(emulator.state.members(of: audience)["ada@example.com"])
            #expect(member.mergeFields == ["FNAME": "Ada", "COMPANY": "Analytical Engines"])
            #expect(member.tags == ["webinar-registrant"])
            #expect(member.events == ["registered"])
            #expect(try await client.audiences() == [.init(id: audience, name: "Webinar")])
            #expect(Set(try await client.mergeFields(audience: audience).map(\.tag)) == ["FNAME", "LNAME", "COMPANY"])
        }
    }

    @Test("batch subscribe creates new members and leaves existing ones as they are; tags are static segments with batch add")
    func batches() async throws {
        let emulator = MailchimpEmulator()
        let key = emulator.state.issueKey()
        let audience = emulator.state.createAudience(named: "Webinar")
        emulator.state.putMember("gone@example.com", status: "unsubscribed", mergeFields: ["FNAME": "Old"], in: audience)
        try await emulator.run { url in
            let client = MailchimpClient(http: .shared, apiKey: key, baseURL: url)
            let result = try await client.addNewMembers(
                audience: audience,
                [("new@example.com", ["FNAME": "Nia"]), ("gone@example.com", ["FNAME": "New"]), ("bad@example.com", ["SCORE": "3"])],
                status: "subscribed"
            )
            #expect(result.created == ["new@example.com"])
            #expect(result.existing == ["gone@example.com"])
            #expect(result.refused == ["bad@example.com": "Your merge fields were invalid."])
            let members = emulator.state.members(of: audience)
            #expect(members["new@example.com"]?.status == "subscribed" && members["new@example.com"]?.mergeFields == ["FNAME": "Nia"])
            #expect(members["gone@example.com"]?.status == "unsubscribed" && members["gone@example.com"]?.mergeFields == ["FNAME": "Old"])
            await #expect(
                throws: ProviderFailure.invalid("Mailchimp answered 400: Invalid Resource You may only add or update 500 members per request.")
            ) {
                _ = try await client.addNewMembers(audience: audience, (0...500).map { ("p\($0)@example.com", [:]) }, status: "subscribed")
            }

            #expect(try await client.tags(audience: audience).isEmpty)
            let tagID = try await client.createTag(audience: audience, name: "webinar")
            #expect(try await client.tags(audience: audience) == ["webinar": tagID])
            #expect(
                try await client.addToTag(audience: audience, tagID: tagID, emails: ["new@example.com", "stranger@example.com"]) == [
                    "stranger@example.com"
                ]
            )
            #expect(emulator.state.members(of: audience)["new@example.com"]?.tags == ["webinar"])
            // A tag given to one member is a segment too.
            try await client.tag(audience: audience, email: "gone@example.com", tags: ["vip"])
            #expect(Set(try await client.tags(audience: audience).keys) == ["webinar", "vip"])
            await #expect(
                throws: ProviderFailure.invalid(
                    "Mailchimp answered 404: the tag 99 does not exist in the audience (The requested resource could not be found.)"
                )
            ) {
                _ = try await client.addToTag(audience: audience, tagID: 99, emails: ["new@example.com"])
            }
        }
    }

    @Test("options: audiences, and the chosen audience's merge fields and tags")
    func options() async throws {
        let emulator = MailchimpEmulator()
        let key = emulator.state.issueKey()
        let audience = emulator.state.createAudience(named: "Webinar", mergeFields: ["ROLE": "Role"])
        emulator.state.putMember("ada@example.com", status: "subscribed", in: audience)
        try await emulator.run { url in
            try await MailchimpClient(http: .shared, apiKey: key, baseURL: url).tag(
                audience: audience,
                email: "ada@example.com",
                tags: ["vip", "2026"]
            )
            let provider = MailchimpProvider(http: .shared, baseURL: url)
            let connection = ProviderConnection(
                integrationID: "int_1",
                credentials: ["api_key": key],
                settings: ["audience_id": .string(audience)],
                budget: .unlimited()
            )
            let options = try await provider.options(connection)
            #expect(options["audiences"] == [.init(id: audience, name: "Webinar")])
            #expect(options["merge_fields"]?.map(\.id) == ["FNAME", "LNAME", "ROLE"])
            #expect(options["tags"] == [.init(id: "2026", name: "2026"), .init(id: "vip", name: "vip")])
        }
    }

    @Test("an unknown merge field is refused as invalid data; a deleted audience is list_not_found; a disabled key expired")
    func refusals() async throws {
        let emulator = MailchimpEmulator()
        let key = emulator.state.issueKey()
        let audience = emulator.state.createAudience(named: "Webinar")
        try await emulator.run { url in
            let client = MailchimpClient(http: .shared, apiKey: key, baseURL: url)
            await #expect(throws: ProviderFailure.invalid("Mailchimp answered 400: Invalid Resource Your merge fields were invalid.")) {
                try await client.upsertMember(audience: audience, email: "a@example.com", mergeFields: ["SCORE": "3"])
            }
            emulator.state.failNext(1, status: 503)
            await #expect(throws: ProviderFailure.unavailable("Mailchimp answered 503: Please try again later.")) { try await client.ping() }
            emulator.state.deleteAudience(audience)
            await #expect(throws: ProviderFailure.refused(.listNotFound(name: audience))) { try await client.audience(audience) }
            emulator.state.revoke(key)
            await #expect(throws: ProviderFailure.refused(.expiredCredentials("the API key is invalid or disabled, or the connection was revoked"))) {
                try await client.ping()
            }
        }
    }

    @Test("the emulator checks merge values by type and required fields, and pages its merge fields as Mailchimp does")
    func mergeFieldRules() async throws {
        let emulator = MailchimpEmulator()
        let key = emulator.state.issueKey()
        let audience = emulator.state.createAudience(named: "Webinar")
        emulator.state.defineMergeField("SCORE", type: "number", in: audience)
        emulator.state.defineMergeField("SIGNUP", type: "date", in: audience)
        emulator.state.defineMergeField("BDAY", type: "birthday", in: audience)
        emulator.state.defineMergeField("COMPANY", required: true, in: audience)
        try await emulator.run { url in
            let client = MailchimpClient(http: .shared, apiKey: key, baseURL: url)
            let invalid = ProviderFailure.invalid("Mailchimp answered 400: Invalid Resource Your merge fields were invalid.")
            for wrong: [String: MailchimpMergeValue] in [
                ["COMPANY": "Acme", "SCORE": "lots"], ["COMPANY": "Acme", "SIGNUP": "2026-11-24T16:00:00Z"],
                ["COMPANY": "Acme", "BDAY": "1815-12-10"],
                ["FNAME": "Ada"],
            ] {
                await #expect(throws: invalid, "\(wrong)") {
                    try await client.upsertMember(audience: audience, email: "ada@example.com", mergeFields: wrong)
                }
            }
            try await client.upsertMember(
                audience: audience,
                email: "ada@example.com",
                mergeFields: ["COMPANY": "Acme", "SCORE": .number(42), "SIGNUP": "2026-11-24", "BDAY": "12/10"]
            )
            // An existing member keeps its required value when a change leaves it out.
            try await client.upsertMember(audience: audience, email: "ada@example.com", mergeFields: ["FNAME": "Ada"])
            #expect(emulator.state.members(of: audience)["ada@example.com"]?.mergeFields["SCORE"] == "42")
            let batch = try await client.addNewMembers(audience: audience, [("bob@example.com", ["FNAME": "Bob"])], status: "subscribed")
            #expect(batch.refused == ["bob@example.com": "Your merge fields were invalid."])

            let fields = try await client.mergeFields(audience: audience)
            #expect(fields.map(\.tag) == ["BDAY", "COMPANY", "FNAME", "LNAME", "SCORE", "SIGNUP"])
            #expect(fields.first { $0.tag == "COMPANY" }?.required == true && fields.first { $0.tag == "SCORE" }?.type == "number")
            var request = HTTPClientRequest(url: "\(url)/3.0/lists/\(audience)/merge-fields?offset=4")
            request.headers.add(name: "authorization", value: "Bearer \(key)")
            let page = try await HTTPClient.shared.execute(request, timeout: .seconds(30)).body.collect(upTo: 1 << 16)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(page.readableBytesView)) as? [String: Any])
            #expect((json["merge_fields"] as? [[String: Any]])?.count == 2)
            #expect(json["total_items"] as? Int == 6)
        }
    }

    @Test("more than 10 simultaneous connections of one key answer 429, which the client reads as throttled")
    func connectionLimit() async throws {
        let emulator = MailchimpEmulator()
        let key = emulator.state.issueKey()
        // Long enough for all 14 connections to open on a loaded machine before the first is answered.
        emulator.state.delayResponses(by: .seconds(8))
        // A pool wide enough to open 14 connections at once (the shared client's stops at 8 per host).
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(5), concurrentHTTP1ConnectionsPerHostSoftLimit: 32)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        defer { _ = http.shutdown() }
        try await emulator.run { url in
            let client = MailchimpClient(http: http, apiKey: key, baseURL: url)
            let outcomes = await withTaskGroup(of: ProviderFailure?.self) { group in
                for _ in 0..<14 {
                    group.addTask {
                        do throws(ProviderFailure) {
                            try await client.ping()
                            return nil
                        } catch {
                            return error
                        }
                    }
                }
                return await group.reduce(into: [ProviderFailure?]()) { $0.append($1) }
            }
            #expect(outcomes.compactMap { $0 }.allSatisfy { $0 == .throttled(retryAfter: nil) })
            #expect(outcomes.filter { $0 == nil }.count == 10, "ten connections are served")
            #expect(emulator.state.peakConcurrency == 10)
        }
    }
}

@Suite("Mailchimp emulator, as strict as Mailchimp")
struct MailchimpEmulatorContractTests {
    @Test("member events need an existing member, a name of 2-30 letters, digits, _ or -, and an ISO 8601 occurred_at")
    func memberEvents() async throws {
        let emulator = MailchimpEmulator()
        let key = emulator.state.issueKey()
        let audience = emulator.state.createAudience(named: "Webinar")
        emulator.state.putMember("ada@example.com", status: "subscribed", in: audience)
        try await emulator.run { (url: String) async throws in
            func post(_ email: String, _ body: [String: Any]) async throws -> Int {
                var request = HTTPClientRequest(url: "\(url)/3.0/lists/\(audience)/members/\(MailchimpSubscriber.hash(email))/events")
                request.method = .POST
                request.headers.add(name: "authorization", value: "Bearer \(key)")
                request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
                return Int(try await HTTPClient.shared.execute(request, timeout: .seconds(30)).status.code)
            }
            #expect(try await post("ada@example.com", ["name": "webinar_registered", "occurred_at": "2026-11-24T16:00:00Z"]) == 204)
            #expect(try await post("ada@example.com", ["name": "webinar registered"]) == 400)
            #expect(try await post("ada@example.com", ["name": "webinar_registered", "occurred_at": "24/11/2026"]) == 400)
            #expect(try await post("nobody@example.com", ["name": "webinar_registered"]) == 404)
            #expect(emulator.state.members(of: audience)["ada@example.com"]?.eventLog.first?.occurredAt == Timestamp.parse("2026-11-24T16:00:00Z"))
        }
    }
}
