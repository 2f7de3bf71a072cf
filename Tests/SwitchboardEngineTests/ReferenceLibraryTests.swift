import Foundation
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardTestSupport
import Testing

@Suite("Verified by the reference Standard Webhooks library")
struct ReferenceLibraryTests {
    struct Case: Encodable {
        let secret: String
        let headers: [String: String]
        let body: String
        let expect_valid: Bool
    }

    @Test("Python's standardwebhooks verifies real deliveries before and after a secret rotation")
    func pythonVerifies() async throws {
        let cases = try await withEngine(.sqlite) { harness in
            try await TestReceiver().run { receiver in
                let integration = try await harness.webhook(url: receiver.url + "/webhooks")
                let workspace = harness.workspace.id
                let first = try await harness.integrations.signingSecret(workspaceID: workspace, id: integration.id).secret
                _ = try await harness.ingest((0..<3).map { Fixtures.registration("before\($0)@example.com") })
                #expect(await receiver.wait { $0.count == 3 })
                let (second, _) = try await harness.integrations.rotateSigningSecret(workspaceID: workspace, id: integration.id)
                _ = try await harness.ingest((0..<3).map { Fixtures.registration("after\($0)@example.com") })
                _ = try await harness.ingest([
                    InboundEvent(
                        type: .registrationCreated,
                        idempotencyKey: "unicode",
                        occurredAt: Date(),
                        data: [
                            "broadcast": .object(["id": .string("brd_ü"), "title": .string("Zoë Ñandú 漢字 🎥")]),
                            "registrant": .object(["email": .string("zoe@example.com")]),
                        ]
                    )
                ])
                #expect(await receiver.wait { $0.count == 7 })
                let unrelated = SigningSecret.generate().text
                var cases: [Case] = []
                for (index, request) in receiver.received.enumerated() {
                    let body = String(decoding: request.body, as: UTF8.self)
                    let headers = request.headers.filter { $0.key.hasPrefix("webhook-") }
                    if index < 3 {
                        cases.append(Case(secret: first, headers: headers, body: body, expect_valid: true))
                        cases.append(Case(secret: second, headers: headers, body: body, expect_valid: false))
                    } else {
                        cases.append(Case(secret: second, headers: headers, body: body, expect_valid: true))
                        cases.append(Case(secret: first, headers: headers, body: body, expect_valid: true))
                    }
                    cases.append(Case(secret: unrelated, headers: headers, body: body, expect_valid: false))
                    cases.append(Case(secret: first, headers: headers, body: body + " ", expect_valid: false))
                }
                return cases
            }
        }
        #expect(cases.count == 28)
        let file = FileManager.default.temporaryDirectory.appending(path: "switchboard-cases-\(UUID().uuidString).json")
        try JSONEncoder().encode(cases).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appending(
            path: "Scripts/verify_standard_webhooks.py"
        )
        let result = try await spawnAndWaitOffPool(["/usr/bin/env", "python3", script.path, file.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("verified 28 cases"))
    }
}
