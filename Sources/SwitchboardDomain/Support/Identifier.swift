import Foundation

/// Prefixed, time-ordered identifiers (`evt_…`, `dlv_…`): sorting them sorts by creation time,
/// which gives newest-first lists and cursors for free.
public enum Identifier {
    /// A new identifier: prefix, 12 hex digits of milliseconds since 1970, then 16 random hex digits.
    public static func make(_ prefix: String, at date: Date = Date()) -> String {
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let time = String(milliseconds, radix: 16).leftPadded(to: 12)
        let random = String(UInt64.random(in: .min ... .max), radix: 16).leftPadded(to: 16)
        return "\(prefix)_\(time)\(random)"
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
