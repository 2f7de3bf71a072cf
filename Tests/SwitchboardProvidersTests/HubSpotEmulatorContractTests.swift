import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardEmulators
import SwitchboardProviders
import Testing

/// The HubSpot emulator's strictness where issue 17 found that it had agreed with Switchboard's client instead of
/// HubSpot's reference: each test pins one documented behaviour.
@Suite("HubSpot emulator, as strict as HubSpot")
struct HubSpotEmulatorContractTests {
    let base = HubSpotEmulatorTests()
    var version: String { HubSpotAPI.version }

    @Test("batch upsert: with a trace id on every input, 207 with an error per refused input; without, the batch is refused whole")
    func multiStatus() async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        emulator.state.defineProperty("score", label: "Score", type: "number")
        try await emulator.run { url in
            let path = "\(url)/crm/objects/\(version)/contacts/batch/upsert"
            func input(_ email: String, _ score: String, trace: String?) -> [String: Any] {
                var input: [String: Any] = ["idProperty": "email", "id": email, "properties": ["score": score]]
                if let trace { input["objectWriteTraceId"] = trace }
                return input
            }
            let whole = try await base.call(
                .POST,
                path,
                token: token,
                json: ["inputs": [input("a@example.com", "1", trace: nil), input("b@example.com", "x", trace: nil)]]
            )
            #expect(whole.status == 400 && emulator.state.contactCount == 0)
            let traced = try await base.call(
                .POST,
                path,
                token: token,
                json: [
                    "inputs": [
                        input("a@example.com", "1", trace: "t0"), input("b@example.com", "x", trace: "t1"), input("not-an-email", "2", trace: "t2"),
                    ]
                ]
            )
            #expect(traced.status == 207)
            #expect((traced.json["results"] as? [[String: Any]])?.map { $0["objectWriteTraceId"] as? String } == ["t0"])
            let errors = try #require(traced.json["errors"] as? [[String: Any]])
            #expect(errors.compactMap { ($0["context"] as? [String: [String]])?["objectWriteTraceId"]?.first } == ["t1", "t2"])
            #expect((errors.first?["message"] as? String)?.hasPrefix("Property values were not valid: [") == true)
            #expect(traced.json["numErrors"] as? Int == 2 && emulator.state.contactCount == 1)
            emulator.state.refuseBatchesWhole()
            let refused = try await base.call(
                .POST,
                path,
                token: token,
                json: ["inputs": [input("c@example.com", "1", trace: "t0"), input("d@example.com", "x", trace: "t1")]]
            )
            #expect(refused.status == 400 && emulator.state.contactCount == 1)
            let readOnly = try await base.call(
                .POST,
                path,
                token: token,
                json: ["inputs": [["idProperty": "email", "id": "e@example.com", "properties": ["hubspotscore": "9"]]]]
            )
            #expect(readOnly.status == 400 && (readOnly.json["message"] as? String)?.contains("READ_ONLY_VALUE") == true)
        }
    }

    @Test("list search pages (count at most 500) and filters by type; the 2026-09 search requires its fields; active lists take no members")
    func lists() async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        for index in 0..<30 { emulator.state.createList(named: "List \(index)") }
        let active = emulator.state.createList(named: "Active", processingType: "DYNAMIC")
        try await emulator.run { url in
            let path = "\(url)/crm/lists/\(version)/search"
            let missing = try await base.call(.POST, path, token: token, json: ["query": ""])
            #expect(missing.status == 400, "offset, processingTypes, listIds and additionalProperties are required here")
            let v3 = try await base.call(.POST, "\(url)/crm/v3/lists/search", token: token, json: ["query": ""])
            #expect(v3.status == 200 && (v3.json["lists"] as? [Any])?.count == 20, "20 a page unless count says")
            let search: [String: Any] = [
                "query": "", "count": 25, "offset": 0, "processingTypes": ["MANUAL"], "listIds": [String](), "additionalProperties": [String](),
            ]
            let first = try await base.call(.POST, path, token: token, json: search)
            #expect((first.json["lists"] as? [Any])?.count == 25 && first.json["hasMore"] as? Bool == true && first.json["offset"] as? Int == 25)
            let second = try await base.call(.POST, path, token: token, json: search.merging(["offset": 25]) { _, new in new })
            #expect((second.json["lists"] as? [Any])?.count == 5 && second.json["hasMore"] as? Bool == false, "the active list is filtered out")
            #expect(try await base.call(.POST, path, token: token, json: search.merging(["count": 501]) { _, new in new }).status == 400)
            let add = try await base.call(.PUT, "\(url)/crm/lists/\(version)/\(active)/memberships/add", token: token, json: [String]())
            #expect(add.status == 400)
        }
    }

    @Test("properties say which are read-only or calculated")
    func properties() async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        try await emulator.run { url in
            let answer = try await base.call(.GET, "\(url)/crm/properties/\(version)/contacts", token: token)
            let byName = Dictionary(
                uniqueKeysWithValues: (answer.json["results"] as? [[String: Any]] ?? []).map { ($0["name"] as? String ?? "", $0) }
            )
            #expect((byName["createdate"]?["modificationMetadata"] as? [String: Any])?["readOnlyValue"] as? Bool == true)
            #expect(byName["hubspotscore"]?["calculated"] as? Bool == true)
            #expect((byName["firstname"]?["modificationMetadata"] as? [String: Any])?["readOnlyValue"] as? Bool == false)
        }
    }

    @Test("token information: EU tokens need the Bearer header too; Service Keys are unknown to it but work on the API")
    func tokens() async throws {
        let emulator = HubSpotEmulator()
        let europe = emulator.state.issueToken("pat-eu1-abc")
        let key = emulator.state.issueToken("pat-na2-key", kind: .serviceKey)
        try await emulator.run { url in
            let info = "\(url)/oauth/v2/private-apps/get/access-token-info"
            #expect(try await base.call(.POST, info, token: nil, json: ["tokenKey": europe]).status == 401)
            let answered = try await base.call(.POST, info, token: europe, json: ["tokenKey": europe])
            #expect(answered.status == 200 && (answered.json["scopes"] as? [String])?.isEmpty == false)
            #expect(try await base.call(.POST, info, token: key, json: ["tokenKey": key]).status == 401)
            // The key itself works on the API.
            #expect(try await base.call(.GET, "\(url)/crm/properties/\(version)/contacts", token: key).status == 200)
        }
    }

    @Test("a daily limit answers 429 DAILY with the daily headers; a removed user 403 USER_DOES_NOT_HAVE_PERMISSIONS")
    func limitsAndPermissions() async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        try await emulator.run { url in
            let path = "\(url)/crm/properties/\(version)/contacts"
            emulator.state.reachDailyLimit()
            let daily = try await base.call(.GET, path, token: token)
            #expect(daily.status == 429 && daily.json["policyName"] as? String == "DAILY")
            #expect(daily.headers.first(name: "x-hubspot-ratelimit-daily-remaining") == "0")
            emulator.state.reachDailyLimit(false)
            emulator.state.removeUser(of: token)
            let denied = try await base.call(.GET, path, token: token)
            #expect(denied.status == 403 && denied.json["category"] as? String == "USER_DOES_NOT_HAVE_PERMISSIONS")
        }
    }
}
