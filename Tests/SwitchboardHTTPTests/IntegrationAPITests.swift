import Foundation
import HTTPTypes
import SwitchboardDomain
import SwitchboardStore
import SwitchboardTestSupport
import Testing

@Suite("Integrations API")
struct IntegrationAPITests {
    @Test("creating a webhook answers 201 with status, settings and no secret", arguments: StoreEngine.allCases)
    func create(engine: StoreEngine) async throws {
        try await withAPI(engine) { api in
            let response = try await api.call(
                .post,
                "/v1/integrations",
                key: api.managerKey,
                json: #"{"provider":"webhook","label":"Zapier","settings":{"url":"https://93.184.216.34/in","events":["attendance.recorded"]}}"#
            )
            #expect(response.status == 201)
            #expect(response.json["status"] == .string("active"))
            #expect(response.json["pause_reason"] == .null)
            #expect(response.json["settings"]?["events"] == .array([.string("attendance.recorded")]))
            #expect(response.json["category"] == .string("Webhooks & Connectors"))
            #expect(!response.text.contains("whsec_"))
            let id = try #require(response.json["id"]?.stringValue)

            let secret = try await api.call(.get, "/v1/integrations/\(id)/secret", key: api.managerKey)
            let text = try #require(secret.json["secret"]?.stringValue)
            #expect(SigningSecret(text) != nil)
            #expect(secret.json["previous_secret_expires_at"] == .null, "no rotation, no grace")
            let rotated = try await api.call(.post, "/v1/integrations/\(id)/secret/rotate", key: api.managerKey)
            #expect(rotated.json["secret"]?.stringValue != text)
            let graceEnd = try #require(rotated.json["previous_secret_expires_at"]?.stringValue)
            // Reading the secret during the grace says when the previous one stops signing.
            let during = try await api.call(.get, "/v1/integrations/\(id)/secret", key: api.managerKey)
            #expect(during.json["secret"] == rotated.json["secret"])
            #expect(during.json["previous_secret_expires_at"] == .string(graceEnd))
            let listed = try await api.call(.get, "/v1/integrations", key: api.memberKey)
            #expect(!listed.text.contains("whsec_"))
        }
    }

    @Test(
        "invalid settings are refused field by field and store nothing",
        arguments: [
            (#"{"provider":"webhook","settings":{"events":["registration.created"]}}"#, "settings/url"),
            (#"{"provider":"webhook","settings":{"url":"https://93.184.216.34/x","events":["registered"]}}"#, "settings/events/0"),
            (#"{"provider":"webhook","settings":{"url":"http://93.184.216.34/x","events":["registration.created"]}}"#, "settings/url"),
            (#"{"provider":"webhook","settings":{"url":"https://127.0.0.1/x","events":["registration.created"]}}"#, "settings/url"),
            (#"{"provider":"webhook","settings":{"url":"https://169.254.169.254/x","events":["registration.created"]}}"#, "settings/url"),
            (#"{"provider":"carrier-pigeon","settings":{}}"#, "provider"),
            (#"{"settings":{"url":"https://93.184.216.34/x","events":["registration.created"]}}"#, "provider"),
            (
                #"{"provider":"webhook","label":"CRM\r\nBcc: x@evil.test","settings":{"url":"https://93.184.216.34/x","events":["registration.created"]}}"#,
                "label"
            ),
        ]
    )
    func invalid(body: String, field: String) async throws {
        try await withAPI(.sqlite) { api in
            let response = try await api.call(.post, "/v1/integrations", key: api.managerKey, json: body)
            #expect(response.status == 400)
            #expect(response.contentType == "application/problem+json")
            #expect(response.json["code"] == .string("validation_failed"))
            guard case .array(let errors) = response.json["errors"] else {
                Issue.record("no errors in \(response.text)")
                return
            }
            #expect(errors.contains { $0["field"] == .string(field) }, "\(response.text)")
            #expect(try await api.store.integrations(workspaceID: api.workspace.id, limit: 10, cursor: nil).items.isEmpty)
        }
    }

    @Test("pause, resume and patch change what they should", arguments: StoreEngine.allCases)
    func lifecycle(engine: StoreEngine) async throws {
        try await withAPI(engine) { api in
            let id = try await api.createWebhook()
            let paused = try await api.call(.post, "/v1/integrations/\(id)/pause", key: api.managerKey)
            #expect(paused.json["status"] == .string("paused"))
            #expect(paused.json["pause_reason"] == .string("manual"))
            #expect(paused.json["status_detail"]?.stringValue?.isEmpty == false)
            _ = try await api.call(
                .post,
                "/v1/events",
                key: api.managerKey,
                json: #"{"type":"registration.created","data":{"broadcast":{"id":"b"},"registrant":{"email":"p@example.com"}}}"#
            )
            let skipped = try await api.call(.get, "/v1/deliveries?status=skipped", key: api.managerKey)
            guard case .array(let items) = skipped.json["data"] else { throw APIFailure(response: skipped) }
            #expect(items.count == 1)
            let listed = try await api.call(.get, "/v1/integrations", key: api.memberKey)
            #expect(listed.json["data"]?.arrayValues?.first?["counts"]?["skipped"] == .number(1))
            #expect(listed.json["data"]?.arrayValues?.first?["counts"]?["pending"] == .number(0))

            let resumed = try await api.call(.post, "/v1/integrations/\(id)/resume", key: api.managerKey)
            #expect(resumed.json["status"] == .string("active"))
            #expect(resumed.json["status_detail"] == .null)

            let patched = try await api.call(
                .patch,
                "/v1/integrations/\(id)",
                key: api.managerKey,
                json: #"{"label":"Renamed","settings":{"events":["broadcast.summary"]}}"#
            )
            #expect(patched.status == 200)
            #expect(patched.json["label"] == .string("Renamed"))
            #expect(patched.json["settings"]?["events"] == .array([.string("broadcast.summary")]))
            let refused = try await api.call(
                .patch,
                "/v1/integrations/\(id)",
                key: api.managerKey,
                json: #"{"settings":{"url":"https://10.0.0.5/x"}}"#
            )
            #expect(refused.status == 400)
            let unchanged = try await api.call(.get, "/v1/integrations/\(id)", key: api.managerKey)
            #expect(unchanged.json["settings"]?["url"] == .string("https://93.184.216.34/hooks"))

            #expect(try await api.call(.delete, "/v1/integrations/\(id)", key: api.managerKey).status == 204)
            #expect(try await api.call(.get, "/v1/integrations/\(id)", key: api.managerKey).status == 404)
        }
    }

    @Test("the signing secret is stored encrypted: the database file never holds it in plaintext")
    func secretsEncryptedAtRest() async throws {
        let path = ScratchDirectory.file("secret", extension: "db")
        let secrets = try await withAPIAt(path: path) { api in
            var found: [String] = []
            for _ in 0..<3 {
                let id = try await api.createWebhook()
                found.append(try #require(try await api.call(.get, "/v1/integrations/\(id)/secret", key: api.managerKey).json["secret"]?.stringValue))
                let rotated = try await api.call(.post, "/v1/integrations/\(id)/secret/rotate", key: api.managerKey)
                found.append(try #require(rotated.json["secret"]?.stringValue))
            }
            return found
        }
        var bytes: [UInt8] = []
        for suffix in ["", "-wal", "-shm"] {
            if let data = FileManager.default.contents(atPath: path + suffix) { bytes += data }
        }
        #expect(bytes.count > 4096)
        for secret in secrets {
            let base64 = String(secret.dropFirst("whsec_".count))
            let rawKey = try #require(Data(base64Encoded: base64))
            #expect(bytes.firstRange(of: Array(secret.utf8)) == nil)
            #expect(bytes.firstRange(of: Array(base64.utf8)) == nil)
            #expect(bytes.firstRange(of: Array(rawKey)) == nil)
        }
    }
}

/// A response that was not what the test needed.
struct APIFailure: Error, CustomStringConvertible {
    let response: APIResponse
    var description: String { "HTTP \(response.status): \(response.text)" }
}
