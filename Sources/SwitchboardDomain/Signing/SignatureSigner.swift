import Crypto
import Foundation

/// Signs outbound webhook messages the Standard Webhooks v1 way.
///
/// The signed content is `"<msg id>.<unix timestamp>.<raw body>"`; the header value is
/// `v1,<base64 HMAC-SHA256>`, one per secret, space separated, newest secret first.
public enum SignatureSigner {
    /// The `webhook-signature` header value for a message, signed with every given secret.
    public static func signatureHeader(messageID: String, timestamp: Int64, body: some DataProtocol, secrets: [SigningSecret]) -> String {
        secrets.map { signature(messageID: messageID, timestamp: timestamp, body: body, secret: $0) }.joined(separator: " ")
    }

    /// One `v1,<base64>` signature.
    public static func signature(messageID: String, timestamp: Int64, body: some DataProtocol, secret: SigningSecret) -> String {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: secret.key))
        hmac.update(data: Array("\(messageID).\(timestamp).".utf8))
        hmac.update(data: body)
        return "v1," + Data(hmac.finalize()).base64EncodedString()
    }
}
