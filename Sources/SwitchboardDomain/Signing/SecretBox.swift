import Crypto
import Foundation

/// Encrypts credentials and signing secrets at rest with AES-GCM under the operator's key.
///
/// The stored form is `v1:<base64(nonce | ciphertext | tag)>`, so that a later key scheme can coexist.
public struct SecretBox: Sendable {
    /// Why a stored secret could not be opened.
    public enum Failure: Error, Sendable {
        /// The key must be 32 bytes (given as base64 or 64 hex characters).
        case invalidKey
        /// The stored value is not ours or was encrypted under another key.
        case undecryptable
    }

    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// A box for a 32-byte key.
    public init(key: [UInt8]) throws(Failure) {
        guard key.count == 32 else { throw .invalidKey }
        self.keyBytes = key
    }

    /// Parses `SWITCHBOARD_SECRET_KEY`: 32 bytes as base64 or as 64 hex characters.
    public init(encodedKey: String) throws(Failure) {
        let trimmed = encodedKey.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 64, let bytes = [UInt8](hex: trimmed) {
            try self.init(key: bytes)
        } else if let data = Data(base64Encoded: trimmed) {
            try self.init(key: Array(data))
        } else {
            throw .invalidKey
        }
    }

    /// A new random key, base64 encoded, for a key file.
    public static func generateEncodedKey() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// Encrypts a plaintext string.
    public func seal(_ plaintext: String) -> String {
        // AES.GCM.seal only throws for an invalid nonce size, which the default nonce never has.
        guard let sealed = try? AES.GCM.seal(Array(plaintext.utf8), using: key), let combined = sealed.combined else {
            preconditionFailure("AES-GCM with a generated nonce cannot fail")
        }
        return "v1:" + combined.base64EncodedString()
    }

    /// Decrypts what `seal` produced.
    public func open(_ stored: String) throws(Failure) -> String {
        guard stored.hasPrefix("v1:"), let data = Data(base64Encoded: String(stored.dropFirst(3))) else { throw .undecryptable }
        do {
            let box = try AES.GCM.SealedBox(combined: data)
            return String(decoding: try AES.GCM.open(box, using: key), as: UTF8.self)
        } catch {
            throw .undecryptable
        }
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
