import Foundation

/// The text of a stored JSON column (settings, setup, job parameters and errors, event data, sealed
/// credentials before sealing): compact, keys sorted, slashes unescaped, from one shared encoder.
public enum JSONColumn {
    /// `value` as column text; `fallback` if it cannot be encoded (none of the column types can fail).
    public static func text<T: Encodable>(_ value: T, fallback: String) -> String {
        (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? fallback
    }

    /// One encoder for every stored JSON column: ingest encodes each event's data with it.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
