import Crypto
import Foundation

/// Random bearer tokens (API keys, OAuth flow nonces and browser bindings) and the hashes they are stored as.
public enum SecretToken {
    /// URL- and cookie-safe random text (base64url without padding) of `bytes` random bytes.
    public static func make(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let raw = (0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(raw).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The hex SHA-256 of a token, as it is stored: tokens are long and random, so a fast hash is enough.
    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
