import Crypto
import Foundation
import SwitchboardDomain
import Testing

@Suite("Secrets at rest")
struct SecretBoxTests {
    let credentials = SecretBox.Binding(workspaceID: "wsp_1", integrationID: "int_1", field: "credentials")

    @Test("a sealed secret opens with the same key and binding and hides the plaintext")
    func roundTrip() throws {
        let box = try SecretBox(encodedKey: SecretBox.generateEncodedKey())
        let sealed = box.seal("whsec_plaintext", for: credentials)
        #expect(!sealed.contains("plaintext"))
        #expect(try box.open(sealed, for: credentials) == "whsec_plaintext")
        #expect(box.seal("same", for: credentials) != box.seal("same", for: credentials), "every seal uses a fresh nonce")
    }

    @Test("another key cannot open it")
    func otherKeyFails() throws {
        let sealed = try SecretBox(encodedKey: SecretBox.generateEncodedKey()).seal("secret", for: credentials)
        let other = try SecretBox(encodedKey: SecretBox.generateEncodedKey())
        #expect(throws: SecretBox.Failure.self) { try other.open(sealed, for: credentials) }
    }

    @Test("a value moved to another integration, workspace or field does not open there")
    func boundToItsRow() throws {
        let box = try SecretBox(encodedKey: SecretBox.generateEncodedKey())
        let sealed = box.seal("pat-na1-secret", for: credentials)
        for elsewhere in [
            SecretBox.Binding(workspaceID: "wsp_1", integrationID: "int_2", field: "credentials"),
            SecretBox.Binding(workspaceID: "wsp_2", integrationID: "int_1", field: "credentials"),
            SecretBox.Binding(workspaceID: "wsp_1", integrationID: "int_1", field: "signing_secret"),
        ] {
            #expect(throws: SecretBox.Failure.self) { try box.open(sealed, for: elsewhere) }
            #expect(throws: SecretBox.Failure.self) { try box.reseal(sealed, for: elsewhere) }
        }
    }

    @Test("a value sealed under the previous key opens during a rotation, and reseal moves it to the current key")
    func rotation() throws {
        let (old, new) = (SecretBox.generateEncodedKey(), SecretBox.generateEncodedKey())
        let sealed = try SecretBox(encodedKey: old).seal("secret", for: credentials)
        let rotating = try SecretBox(encodedKey: new, previousEncodedKeys: [old])
        #expect(try rotating.open(sealed, for: credentials) == "secret")
        let resealed = try #require(try rotating.reseal(sealed, for: credentials))
        #expect(try rotating.reseal(resealed, for: credentials) == nil, "already under the current key")
        #expect(try SecretBox(encodedKey: new).open(resealed, for: credentials) == "secret", "the old key is no longer needed")
    }

    @Test("an unbound v1 value opens only to be resealed with its binding")
    func legacyValues() throws {
        let encoded = SecretBox.generateEncodedKey()
        let key = SymmetricKey(data: Data(base64Encoded: encoded)!)
        let legacy = "v1:" + (try AES.GCM.seal(Array("secret".utf8), using: key).combined!).base64EncodedString()
        let box = try SecretBox(encodedKey: encoded)
        #expect(throws: SecretBox.Failure.self) { try box.open(legacy, for: credentials) }
        let resealed = try #require(try box.reseal(legacy, for: credentials))
        #expect(try box.open(resealed, for: credentials) == "secret")
    }

    @Test("keys are 32 bytes as base64 or hex")
    func keyFormats() throws {
        _ = try SecretBox(encodedKey: String(repeating: "ab", count: 32))
        #expect(throws: SecretBox.Failure.self) { try SecretBox(encodedKey: "short") }
        #expect(throws: SecretBox.Failure.self) { try SecretBox(encodedKey: Data(count: 16).base64EncodedString()) }
        #expect(throws: SecretBox.Failure.self) { try SecretBox(encodedKey: SecretBox.generateEncodedKey(), previousEncodedKeys: ["short"]) }
    }
}
