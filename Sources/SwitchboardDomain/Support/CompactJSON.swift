import Foundation

/// The one JSON layout Switchboard writes: compact, keys sorted, slashes unescaped. Stored JSON columns, webhook
/// bodies, API responses and problem documents all come from this encoder, so that equal values give equal bytes:
/// a webhook body built around an event's stored JSON is byte for byte the body encoded from its data.
public enum CompactJSON {
    /// `value` encoded in the shared layout.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        try encoder.encode(value)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
