import Foundation
import SwitchboardDomain
import Testing

@Suite("Secrets at rest")
struct SecretBoxTests {
    @Test("a sealed secret opens with the same key and hides the plaintext")
    func roundTrip() throws {
        let box = try SecretBox(encodedKey: SecretBox.generateEncodedKey())
        let sealed = box.seal("whsec_plaintext")
        #expect(!sealed.contains("plaintext"))
        #expect(try box.open(sealed) == "whsec_plaintext")
        #expect(box.seal("same") != box.seal("same"), "every seal uses a fresh nonce")
    }

    @Test("another key cannot open it")
    func otherKeyFails() throws {
        let sealed = try SecretBox(encodedKey: SecretBox.generateEncodedKey()).seal("secret")
        let other = try SecretBox(encodedKey: SecretBox.generateEncodedKey())
        #expect(throws: SecretBox.Failure.self) { try other.open(sealed) }
    }

    @Test("keys are 32 bytes as base64 or hex")
    func keyFormats() throws {
        _ = try SecretBox(encodedKey: String(repeating: "ab", count: 32))
        #expect(throws: SecretBox.Failure.self) { try SecretBox(encodedKey: "short") }
        #expect(throws: SecretBox.Failure.self) { try SecretBox(encodedKey: Data(count: 16).base64EncodedString()) }
    }
}
