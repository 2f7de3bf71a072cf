import Crypto
import Foundation

/// A Standard Webhooks signing secret: `whsec_` followed by the base64 of the key bytes.
public struct SigningSecret: Sendable, Hashable {
    /// The prefix every secret carries, so that a secret pasted into the wrong place is recognisable.
    public static let prefix = "whsec_"

    /// The raw HMAC key.
    public let key: [UInt8]

    /// Parses `whsec_<base64>`; the key must decode to 24–64 bytes (SPEC §4).
    public init?(_ text: String) {
        guard text.hasPrefix(Self.prefix),
            let bytes = Data(base64Encoded: String(text.dropFirst(Self.prefix.count))),
            (24...64).contains(bytes.count)
        else { return nil }
        self.key = Array(bytes)
    }

    /// Wraps raw key bytes.
    public init(key: [UInt8]) {
        self.key = key
    }

    /// A new secret of 32 random bytes.
    public static func generate() -> SigningSecret {
        SigningSecret(key: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    /// The `whsec_…` text form, as shown to managers and given to Standard Webhooks libraries.
    public var text: String { Self.prefix + Data(key).base64EncodedString() }
}
