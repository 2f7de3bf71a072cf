import Foundation

/// RFC 3339 UTC times as the API writes and reads them.
public enum Timestamp {
    private static let whole = Date.ISO8601FormatStyle()
    private static let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// Formats in UTC, with milliseconds only when the time has a fraction: `2026-11-24T16:00:00Z`.
    public static func format(_ date: Date) -> String {
        let rounded = Self.date(milliseconds: milliseconds(date))
        return rounded.timeIntervalSince1970.rounded(.down) == rounded.timeIntervalSince1970
            ? whole.format(rounded) : fractional.format(rounded)
    }

    /// Parses RFC 3339 with or without fractional seconds.
    public static func parse(_ text: String) -> Date? {
        (try? whole.parse(text)) ?? (try? fractional.parse(text))
    }

    /// Milliseconds since 1970, the form the store keeps times in.
    public static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// The date of a millisecond count.
    public static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)
    }
}

extension Duration {
    /// The whole milliseconds of this duration, rounded toward zero: attempt durations, periods kept in the store.
    public var wholeMilliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
