import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardEmulators
import SwitchboardProviders
import Testing

/// The HubSpot emulator answers as HubSpot's public API documents: these tests pin the contract that the
/// HubSpot client and the sync engine rely on.
@Suite("HubSpot emulator")
struct HubSpotEmulatorTests {
    struct Answer {
        let status: Int
        let headers: HTTPHeaders
        let json: [String: Any]
    }

    func call(_ method: HTTPMethod, _ url: String, token: String?, json: Any? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "authorization", value: "Bearer \(token)") }
        if let json {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        let object = body.readableBytes > 0 ? try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) : [:]
        return Answer(status: Int(response.status.code), headers: response.headers, json: object as? [String: Any] ?? ["array": object])
    }

    func upsert(_ emails: [String], properties: [String: String] = [:]) -> [String: Any] {
        ["inputs": emails.map { ["idProperty": "email", "id": $0, "properties": properties] }]
    }

    @Test("batch read returns only the properties asked for, and hs_object_id, createdate and lastmodifieddate")
    func batchReadOnlyAsked() async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        let id = emulator.state.addContact(email: "ada@example.com", properties: ["firstname": "Augusta", "lastname": "King"])
        try await emulator.run { url in
            let read = try await call(
                .POST,
                "\(url)/crm/v3/objects/contacts/batch/read",
                token: token,
                json: ["idProperty": "email", "inputs": [["id": "ada@example.com"], ["id": "nobody@example.com"]], "properties": ["firstname"]]
            )
            #expect(read.status == 200)
            let results = try #require(read.json["results"] as? [[String: Any]])
            #expect(results.count == 1, "unknown emails are left out")
            let properties = try #require(results.first?["properties"] as? [String: Any])
            #expect(Set(properties.keys) == ["firstname", "hs_object_id", "createdate", "lastmodifieddate"], "no email unless asked for")
            #expect(properties["hs_object_id"] as? String == id)
        }
    }

    @Test("batch upsert creates contacts by email, then updates the same contacts")
    func upsertByEmail() async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        try await emulator.run { url in
            let first = try await call(
                .POST,
                "\(url)/crm/v3/objects/contacts/batch/upsert",
                token: token,
                json: upsert(["Ada@example.com"], properties: ["firstname": "Ada"])
            )
            #expect(first.status == 200)
            let created = try #require((first.json["results"] as? [[String: Any]])?.first)
            #expect(created["new"] as? Bool == true)
            let second = try await call(
                .POST,
                "\(url)/crm/v3/objects/contacts/batch/upsert",
                token: token,
                json: upsert(["ada@example.com"], properties: ["lastname": "Lovelace"])
            )
            let updated = try #require((second.json["results"] as? [[String: Any]])?.first)
            #expect(updated["new"] as? Bool == false)
            #expect(updated["id"] as? String == created["id"] as? String)
            #expect(
                emulator.state.contactsByEmail["ada@example.com"]?.properties == [
                    "email": "ada@example.com", "firstname": "Ada", "lastname": "Lovelace",
                ]
            )
        }
    }

    @Test("invalid batches are refused whole: unknown property, over 100 inputs, duplicate ids")
    func invalidBatches() async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        try await emulator.run { url in
            let path = "\(url)/crm/v3/objects/contacts/batch/upsert"
            let unknown = try await call(.POST, path, token: token, json: upsert(["a@example.com"], properties: ["webinar_score": "3"]))
            #expect(unknown.status == 400)
            #expect(unknown.json["category"] as? String == "VALIDATION_ERROR")
            #expect(try await call(.POST, path, token: token, json: upsert((0...100).map { "u\($0)@example.com" })).status == 400)
            #expect(try await call(.POST, path, token: token, json: upsert(["a@example.com", "A@example.com"])).status == 400)
            #expect(emulator.state.contactsByEmail.isEmpty, "nothing of a refused batch is stored")
            emulator.state.defineProperty("webinar_score", label: "Webinar score", type: "number")
            #expect(try await call(.POST, path, token: token, json: upsert(["a@example.com"], properties: ["webinar_score": "3"])).status == 200)
        }
    }

    @Test("a revoked token answers 401 INVALID_AUTHENTICATION; a missing scope 403 MISSING_SCOPES naming it")
    func authentication() async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        try await emulator.run { url in
            let path = "\(url)/crm/v3/lists/search"
            #expect(try await call(.POST, path, token: nil, json: [:]).status == 401)
            emulator.state.removeScope(HubSpotScopes.listsRead, from: token)
            let forbidden = try await call(.POST, path, token: token, json: [:])
            #expect(forbidden.status == 403)
            #expect(forbidden.json["category"] as? String == "MISSING_SCOPES")
            #expect("\(forbidden.json["errors"] ?? "")".contains(HubSpotScopes.listsRead))
            emulator.state.revoke(token)
            let revoked = try await call(.POST, path, token: token, json: [:])
            #expect(revoked.status == 401)
            #expect(revoked.json["category"] as? String == "INVALID_AUTHENTICATION")
            let info = try await call(.POST, "\(url)/oauth/v2/private-apps/get/access-token-info", token: nil, json: ["tokenKey": token])
            #expect(info.status == 401)
        }
    }

    @Test("the 101st request within the window answers 429 with HubSpot's policy body; other tokens are not affected")
    func rateLimit() async throws {
        // HubSpot's 100 requests, in a window long enough that a slow machine cannot let the first ones expire.
        let emulator = HubSpotEmulator(requestsPerWindow: 100, window: 600)
        let (token, other) = (emulator.state.issueToken(), emulator.state.issueToken())
        try await emulator.run { url in
            let path = "\(url)/crm/v3/properties/contacts"
            for _ in 0..<100 { #expect(try await call(.GET, path, token: token).status == 200) }
            let limited = try await call(.GET, path, token: token)
            #expect(limited.status == 429)
            #expect(limited.json["policyName"] as? String == "TEN_SECONDLY_ROLLING")
            #expect(limited.json["errorType"] as? String == "RATE_LIMIT")
            #expect(limited.headers.first(name: "x-hubspot-ratelimit-remaining") == "0")
            #expect(try await call(.GET, path, token: other).status == 200)
        }
    }

    @Test("list membership adds existing contacts once, reports missing ones, and a deleted list answers 404")
    func listMembership() async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        let listID = emulator.state.createList(named: "Webinar registrants")
        try await emulator.run { url in
            let upserted = try await call(.POST, "\(url)/crm/v3/objects/contacts/batch/upsert", token: token, json: upsert(["a@example.com"]))
            let id = try #require((upserted.json["results"] as? [[String: Any]])?.first?["id"] as? String)
            let path = "\(url)/crm/v3/lists/\(listID)/memberships/add"
            let added = try await call(.PUT, path, token: token, json: [id, "999999"])
            #expect(added.json["recordsIdsAdded"] as? [String] == [id])
            #expect(added.json["recordIdsMissing"] as? [String] == ["999999"])
            #expect((try await call(.PUT, path, token: token, json: [id])).json["recordsIdsAdded"] as? [String] == [])
            #expect(emulator.state.memberEmails(of: listID) == ["a@example.com"])
            emulator.state.deleteList(listID)
            #expect(try await call(.PUT, path, token: token, json: [id]).status == 404)
            #expect(try await call(.GET, "\(url)/crm/v3/lists/\(listID)", token: token).status == 404)
        }
    }

    @Test("marketing events record register and attend states by email; injected failures answer before any work")
    func marketingEvents() async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        try await emulator.run { url in
            var event: [String: Any] = [
                "externalEventId": "brd_1", "externalAccountId": "wsp_1", "eventName": "Launch week", "eventOrganizer": "Acme",
            ]
            let incomplete = try await call(.POST, "\(url)/marketing/v3/marketing-events/events", token: token, json: event)
            #expect(incomplete.status == 400, "customProperties is required")
            event["customProperties"] = [[String: String]]()
            let created = try await call(.POST, "\(url)/marketing/v3/marketing-events/events", token: token, json: event)
            #expect(created.status == 200)
            let again = try await call(.POST, "\(url)/marketing/v3/marketing-events/events", token: token, json: event)
            #expect(again.status == 409)
            // The documented upsert: the same PUT any number of times.
            let upsert = "\(url)/marketing/marketing-events/\(HubSpotAPI.version)/events/brd_1"
            event["eventName"] = "Launch week, day 2"
            #expect(try await call(.PUT, upsert, token: token, json: event).status == 200)
            #expect(try await call(.PUT, upsert, token: token, json: event).status == 200)
            #expect(emulator.state.marketingEvents["brd_1"]?.eventName == "Launch week, day 2")
            let attendance = "\(url)/marketing/v3/marketing-events/attendance/brd_1/attend/email-create?externalAccountId=wsp_1"
            emulator.state.failNext(1, status: 502)
            let failed = try await call(.POST, attendance, token: token, json: ["inputs": [["email": "a@example.com"]]])
            #expect(failed.status == 502)
            let watched = ["email": "a@example.com", "properties": ["watch_seconds": "60"]] as [String: Any]
            #expect(try await call(.POST, attendance, token: token, json: ["inputs": [watched]]).status == 400, "only joinedAt and leftAt")
            let iso = ["email": "a@example.com", "properties": ["joinedAt": "2026-11-24T16:00:00Z"]] as [String: Any]
            #expect(try await call(.POST, attendance, token: token, json: ["inputs": [iso]]).status == 400, "times in epoch milliseconds")
            let recorded = try await call(
                .POST,
                attendance,
                token: token,
                json: ["inputs": [["email": "a@example.com", "properties": ["joinedAt": "1764000000000", "leftAt": "1764003600000"]]]]
            )
            #expect(recorded.status == 200)
            #expect(emulator.state.marketingEvents["brd_1"]?.participations.map(\.state) == ["attend"])
        }
    }
}

@Suite("Rolling window limiter")
struct RollingWindowLimiterTests {
    @Test("at most the limit in any window: requests leave the window as it rolls on, refused ones are not counted")
    func rolling() {
        let limiter = RollingWindowLimiter(limit: 3, window: 10)
        let start = Date(timeIntervalSince1970: 1_000)
        #expect(limiter.admit("t", now: start) == 2)
        #expect(limiter.admit("t", now: start.addingTimeInterval(4)) == 1)
        #expect(limiter.admit("t", now: start.addingTimeInterval(9)) == 0)
        #expect(limiter.admit("t", now: start.addingTimeInterval(9.9)) == nil, "a fourth request within 10 s")
        #expect(limiter.admit("other", now: start.addingTimeInterval(9.9)) == 2, "limits are per key")
        #expect(limiter.admit("t", now: start.addingTimeInterval(10)) == 0, "the first request left the window")
        #expect(limiter.admit("t", now: start.addingTimeInterval(10.5)) == nil)
        #expect(limiter.admit("t", now: start.addingTimeInterval(14)) == 0)
    }
}
