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
        // RFC 3339's grammar and ranges first: Foundation's parser takes minute 99 or 30 February (rolling them over).
        guard let parts = text.wholeMatch(of: shape), let year = Int(parts.1), let month = Int(parts.2), let day = Int(parts.3),
            (1...12).contains(month), day >= 1, day <= daysIn(month, of: year), Int(parts.4)! < 24, Int(parts.5)! < 60, Int(parts.6)! < 60
        else { return nil }
        let text = text.uppercased()
        if let date = (try? whole.parse(text)) ?? (try? fractional.parse(text)) { return date }
        // Foundation refuses offsets beyond ±18:00, which RFC 3339 allows (hours 00–23): applied here by hand.
        let offset = text.suffix(6)
        guard let sign = offset.first, sign == "+" || sign == "-", offset.dropFirst(3).first == ":",
            let hours = Int(offset.dropFirst().prefix(2)), let minutes = Int(offset.suffix(2)), hours < 24, minutes < 60
        else { return nil }
        let utc = String(text.dropLast(6)) + "Z"
        guard let base = (try? whole.parse(utc)) ?? (try? fractional.parse(utc)) else { return nil }
        let seconds = TimeInterval(hours * 3600 + minutes * 60)
        return base.addingTimeInterval(sign == "-" ? seconds : -seconds)
    }

    /// date "T" time, fraction, then Z or an offset of hours 00–23 and minutes 00–59 (RFC 3339 §5.6; `t`, `z` too).
    private nonisolated(unsafe) static let shape =
        /(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)/

    private static func daysIn(_ month: Int, of year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
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
