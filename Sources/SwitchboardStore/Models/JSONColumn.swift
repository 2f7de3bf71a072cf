import Foundation
import SwitchboardDomain

/// The text of a stored JSON column (settings, setup, job parameters and errors, event data, sealed
/// credentials before sealing), in the layout of `CompactJSON`.
public enum JSONColumn {
    /// `value` as column text; `fallback` if it cannot be encoded (none of the column types can fail).
    public static func text<T: Encodable>(_ value: T, fallback: String) -> String {
        (try? CompactJSON.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? fallback
    }
}
