import Crypto
import Foundation

/// Encrypts credentials and signing secrets at rest with AES-GCM under the operator's key.
///
/// The stored form is `v2:<base64(nonce | ciphertext | tag)>`, sealed with the row and field it belongs to as
/// associated data (`Binding`): a value copied into another integration's row, or another workspace's, does not
/// open there. `v1:` values (no binding, before December 2026) open only to be sealed again (`reseal`), which every
/// process does at start-up.
///
/// A box may hold previous keys besides the current one (`SWITCHBOARD_SECRET_KEY_PREVIOUS`), during a key rotation:
/// values sealed under them still open, and `reseal` moves them to the current key.
public struct SecretBox: Sendable {
    /// Why a stored secret could not be opened.
    public enum Failure: Error, Sendable {
        /// The key must be 32 bytes (given as base64 or 64 hex characters).
        case invalidKey
        /// The stored value is not ours, was encrypted under another key, or belongs to another row.
        case undecryptable
    }

    /// What a sealed value belongs to, authenticated with it.
    public struct Binding: Sendable, Hashable {
        let text: String

        /// A field of an integration: its credentials, or its signing secrets (current and previous alike, so that a
        /// rotation may move the current one to the previous column).
        public init(workspaceID: String, integrationID: String, field: String) {
            text = "switchboard/\(workspaceID)/\(integrationID)/\(field)"
        }

        /// A value that belongs to no row, named by what it is for.
        public init(purpose: String) {
            text = "switchboard/\(purpose)"
        }
    }

    /// The current key first, then previous ones.
    private let keys: [[UInt8]]

    /// A box for a 32-byte key, and the keys it replaces.
    public init(key: [UInt8], previousKeys: [[UInt8]] = []) throws(Failure) {
        guard key.count == 32, previousKeys.allSatisfy({ $0.count == 32 }) else { throw .invalidKey }
        self.keys = [key] + previousKeys
    }

    /// Parses `SWITCHBOARD_SECRET_KEY` (and `SWITCHBOARD_SECRET_KEY_PREVIOUS`): 32 bytes as base64 or as 64 hex characters.
    public init(encodedKey: String, previousEncodedKeys: [String] = []) throws(Failure) {
        var previous: [[UInt8]] = []
        for encoded in previousEncodedKeys { previous.append(try Self.decode(encoded)) }
        try self.init(key: try Self.decode(encodedKey), previousKeys: previous)
    }

    private static func decode(_ encoded: String) throws(Failure) -> [UInt8] {
        let trimmed = encoded.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 64, let bytes = [UInt8](hex: trimmed) { return bytes }
        if let data = Data(base64Encoded: trimmed), data.count == 32 { return Array(data) }
        throw .invalidKey
    }

    /// A new random key, base64 encoded, for a key file.
    public static func generateEncodedKey() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// Encrypts a plaintext string for the place `binding` names, under the current key.
    public func seal(_ plaintext: String, for binding: Binding) -> String {
        // AES.GCM.seal only throws for an invalid nonce size, which the default nonce never has.
        let key = SymmetricKey(data: keys[0])
        guard let sealed = try? AES.GCM.seal(Array(plaintext.utf8), using: key, authenticating: Array(binding.text.utf8)),
            let combined = sealed.combined
        else {
            preconditionFailure("AES-GCM with a generated nonce cannot fail")
        }
        return "v2:" + combined.base64EncodedString()
    }

    /// Decrypts what `seal` produced for the same binding, under the current key or a previous one.
    public func open(_ stored: String, for binding: Binding) throws(Failure) -> String {
        guard stored.hasPrefix("v2:") else { throw .undecryptable }
        return try opened(stored, binding: binding).plaintext
    }

    /// `stored` sealed again under the current key for `binding`, or nil when it already is. Opens `v1:` values too
    /// (sealed without a binding), so that every stored value can be brought to the current form.
    public func reseal(_ stored: String, for binding: Binding) throws(Failure) -> String? {
        let (plaintext, keyIndex) = try opened(stored, binding: stored.hasPrefix("v1:") ? nil : binding)
        return stored.hasPrefix("v2:") && keyIndex == 0 ? nil : seal(plaintext, for: binding)
    }

    private func opened(_ stored: String, binding: Binding?) throws(Failure) -> (plaintext: String, keyIndex: Int) {
        guard stored.hasPrefix("v1:") || stored.hasPrefix("v2:"), let data = Data(base64Encoded: String(stored.dropFirst(3))),
            let box = try? AES.GCM.SealedBox(combined: data)
        else { throw .undecryptable }
        for (index, key) in keys.enumerated() {
            let key = SymmetricKey(data: key)
            let plaintext =
                if let binding { try? AES.GCM.open(box, using: key, authenticating: Array(binding.text.utf8)) } else {
                    try? AES.GCM.open(box, using: key)
                }
            if let plaintext { return (String(decoding: plaintext, as: UTF8.self), index) }
        }
        throw .undecryptable
    }
}

extension [UInt8] {
    /// Decodes a hex string; nil when it is not hex.
    init?(hex: String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.utf8.count / 2)
        var iterator = hex.utf8.makeIterator()
        while let high = iterator.next() {
            guard let low = iterator.next(), let h = Self.nibble(high), let l = Self.nibble(low) else { return nil }
            bytes.append(h << 4 | l)
        }
        self = bytes
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension SecretBox: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Never the key: values that hold a box get described in logs (swift-service-lifecycle logs each service).
    public var description: String { "SecretBox(key: redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
