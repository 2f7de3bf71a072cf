import Foundation
import SwitchboardDomain
import Testing

/// The Standard Webhooks test vectors (`Tests/Vectors/standard-webhooks.json`), made with the reference library.
struct WebhookVectors: Decodable {
    struct Sign: Decodable, CustomTestStringConvertible {
        let name, secret, msg_id, payload, signature: String
        let timestamp: Int64
        var testDescription: String { name }
    }
    struct Verify: Decodable, CustomTestStringConvertible {
        let name, secret, msg_id, payload, signature_header: String
        let timestamp: Int64
        let valid: Bool
        var testDescription: String { name }
    }
    let sign: [Sign]
    let verify: [Verify]

    /// The copy kept in the repository (`Tests/Vectors`): the tests read nothing outside it.
    static let all: WebhookVectors = {
        let repository = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let url = repository.appending(path: "Tests/Vectors/standard-webhooks.json")
        if let data = try? Data(contentsOf: url), let vectors = try? JSONDecoder().decode(WebhookVectors.self, from: data) { return vectors }
        return WebhookVectors(sign: [], verify: [])
    }()
}

@Suite("Standard Webhooks signatures")
struct StandardWebhooksVectorTests {
    @Test("the vectors file is found and holds cases")
    func vectorsArePresent() {
        #expect(WebhookVectors.all.sign.count >= 7)
        #expect(WebhookVectors.all.verify.count >= 5)
    }

    @Test("every signing vector is reproduced byte for byte", arguments: WebhookVectors.all.sign)
    func signs(vector: WebhookVectors.Sign) throws {
        let secret = try #require(SigningSecret(vector.secret))
        let header = SignatureSigner.signatureHeader(
            messageID: vector.msg_id,
            timestamp: vector.timestamp,
            body: Array(vector.payload.utf8),
            secrets: [secret]
        )
        #expect(header == vector.signature)
        #expect(secret.text == vector.secret || Data(base64Encoded: String(vector.secret.dropFirst(6))) == Data(secret.key))
    }

    @Test("every verification vector is judged as the reference library judges it", arguments: WebhookVectors.all.verify)
    func verifies(vector: WebhookVectors.Verify) throws {
        let secret = try #require(SigningSecret(vector.secret))
        let verifier = SignatureVerifier(secret: secret)
        let now = Date(timeIntervalSince1970: TimeInterval(vector.timestamp))
        let accepted: Bool
        do {
            try verifier.verify(
                messageID: vector.msg_id,
                timestamp: String(vector.timestamp),
                signatureHeader: vector.signature_header,
                body: Array(vector.payload.utf8),
                now: now
            )
            accepted = true
        } catch {
            accepted = false
        }
        #expect(accepted == vector.valid)
    }

    @Test("a rotated secret signs with the new secret first and the old one second")
    func rotationCarriesBothSignatures() throws {
        let old = SigningSecret.generate()
        let new = SigningSecret.generate()
        let body = Array(#"{"type":"registration.created"}"#.utf8)
        let header = SignatureSigner.signatureHeader(messageID: "msg_1", timestamp: 1_764_000_000, body: body, secrets: [new, old])
        let parts = header.split(separator: " ")
        #expect(parts.count == 2)
        for secret in [old, new] {
            try SignatureVerifier(secret: secret).verifySignature(messageID: "msg_1", timestamp: 1_764_000_000, signatureHeader: header, body: body)
        }
        #expect(throws: SignatureVerifier.Failure.noMatchingSignature) {
            try SignatureVerifier(secret: .generate()).verifySignature(
                messageID: "msg_1",
                timestamp: 1_764_000_000,
                signatureHeader: header,
                body: body
            )
        }
    }

    @Test("a message older than the tolerance is refused even with a good signature")
    func staleTimestampIsRefused() throws {
        let secret = SigningSecret.generate()
        let body = Array("{}".utf8)
        let header = SignatureSigner.signatureHeader(messageID: "m", timestamp: 1_000, body: body, secrets: [secret])
        #expect(throws: SignatureVerifier.Failure.timestampOutOfTolerance) {
            try SignatureVerifier(secret: secret).verify(
                messageID: "m",
                timestamp: "1000",
                signatureHeader: header,
                body: body,
                now: Date(timeIntervalSince1970: 1_000 + 301)
            )
        }
    }

    @Test("generated secrets are whsec_ with 32 random bytes and parse back")
    func generatedSecrets() throws {
        let secret = SigningSecret.generate()
        #expect(secret.key.count == 32)
        #expect(secret.text.hasPrefix("whsec_"))
        #expect(SigningSecret(secret.text) == secret)
        #expect(SigningSecret.generate() != secret)
        #expect(SigningSecret("whsec_" + Data(count: 16).base64EncodedString()) == nil)
        #expect(SigningSecret("sk_" + Data(count: 32).base64EncodedString()) == nil)
    }
}
