import Foundation

/// The body of an outbound webhook: `{"type", "timestamp", "data"}` (SPEC §3).
public enum WebhookPayload {
    /// The exact bytes sent; the same on every retry of a message, so signatures stay comparable.
    public static func body(type: OutboundEventType, occurredAt: Date, data: [String: JSONValue]) -> [UInt8] {
        let document: JSONValue = .object([
            "type": .string(type.rawValue),
            "timestamp": .string(Timestamp.format(occurredAt)),
            "data": .object(data),
        ])
        return (try? encoder.encode(document)).map(Array.init) ?? Array("{}".utf8)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
