import Crypto
import Foundation

/// Verifies Standard Webhooks v1 signatures, as a receiving team (and `switchboard listen`) does.
public struct SignatureVerifier: Sendable {
    /// Why a message was not accepted.
    public enum Failure: Error, Equatable, Sendable {
        /// A required header (`webhook-id`, `webhook-timestamp`, `webhook-signature`) is missing or malformed.
        case missingHeader(String)
        /// The timestamp is further from now than the tolerance allows (replay protection).
        case timestampOutOfTolerance
        /// No `v1` signature in the header matches the body.
        case noMatchingSignature
    }

    let secret: SigningSecret
    let tolerance: TimeInterval

    /// A verifier for one secret; `tolerance` bounds the age of a message (5 minutes, like the reference libraries).
    public init(secret: SigningSecret, tolerance: TimeInterval = 300) {
        self.secret = secret
        self.tolerance = tolerance
    }

    /// Verifies the three headers against the raw body; `now` is injectable for tests.
    public func verify(
        messageID: String?,
        timestamp: String?,
        signatureHeader: String?,
        body: some DataProtocol,
        now: Date = Date()
    ) throws(Failure) {
        guard let messageID, !messageID.isEmpty else { throw .missingHeader("webhook-id") }
        guard let timestamp, let seconds = Int64(timestamp) else { throw .missingHeader("webhook-timestamp") }
        guard let signatureHeader, !signatureHeader.isEmpty else { throw .missingHeader("webhook-signature") }
        guard abs(now.timeIntervalSince1970 - TimeInterval(seconds)) <= tolerance else { throw .timestampOutOfTolerance }
        try verifySignature(messageID: messageID, timestamp: seconds, signatureHeader: signatureHeader, body: body)
    }

    /// Checks only the signature, not the timestamp's age.
    public func verifySignature(messageID: String, timestamp: Int64, signatureHeader: String, body: some DataProtocol) throws(Failure) {
        let expected = Array(SignatureSigner.signature(messageID: messageID, timestamp: timestamp, body: body, secret: secret).utf8)
        for candidate in signatureHeader.split(separator: " ") where candidate.hasPrefix("v1,") {
            if Self.constantTimeEquals(Array(candidate.utf8), expected) { return }
        }
        throw .noMatchingSignature
    }

    private static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
