import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Prefixed, time-ordered identifiers (`evt_…`, `dlv_…`): sorting them sorts by creation time,
/// which gives newest-first lists and cursors for free.
public enum Identifier {
    /// A new identifier: prefix, 12 hex digits of milliseconds since 1970, then 16 random hex digits.
    public static func make(_ prefix: String, at date: Date = Date()) -> String {
        identifier(prefix, milliseconds: milliseconds(date), random: randomWords.withLock { $0.next() })
    }

    /// The smallest identifier with `prefix` made at `date` or later: every one made earlier sorts below it.
    public static func lowerBound(_ prefix: String, at date: Date) -> String {
        lowerBound(prefix, milliseconds: milliseconds(date))
    }

    /// The smallest identifier with `prefix` made at `milliseconds` since 1970 or later.
    public static func lowerBound(_ prefix: String, milliseconds: UInt64) -> String {
        identifier(prefix, milliseconds: milliseconds, random: nil)
    }

    /// When `id` was made, in milliseconds since 1970; nil if it is not one of these identifiers.
    public static func milliseconds(of id: String) -> UInt64? {
        guard let separator = id.firstIndex(of: "_") else { return nil }
        let time = id[id.index(after: separator)...].prefix(12)
        return time.count == 12 ? UInt64(time, radix: 16) : nil
    }

    private static func milliseconds(_ date: Date) -> UInt64 {
        UInt64(max(0, date.timeIntervalSince1970 * 1000))
    }

    /// Prefix, "_", 12 hex digits of `milliseconds`, then 16 of `random` if given.
    private static func identifier(_ prefix: String, milliseconds: UInt64, random: UInt64?) -> String {
        var tail = [UInt8](repeating: 0, count: random == nil ? 13 : 29)
        tail[0] = UInt8(ascii: "_")
        for index in 0..<12 { tail[1 + index] = digits[Int((milliseconds >> (4 * UInt64(11 - index))) & 0xF)] }
        if let random {
            for index in 0..<16 { tail[13 + index] = digits[Int((random >> (4 * UInt64(15 - index))) & 0xF)] }
        }
        return prefix + String(decoding: tail, as: UTF8.self)
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// Random words drawn a few hundred at a time: ingest makes an identifier per event, delivery and attempt,
    /// and a system call per word (`SystemRandomNumberGenerator`) cost more than the rest of making one.
    private static let randomWords = Mutex(RandomWords())
}

/// Words of the kernel's cryptographic random source, read in bulk and handed out one by one.
private struct RandomWords {
    private var words: [UInt64] = []
    #if canImport(Glibc)
    /// /dev/urandom, kept open: the same generator as `getrandom`, 2 KiB per read (~40 ns a word against ~375 ns
    /// for `SystemRandomNumberGenerator`'s call per word, measured on the project's machine).
    private let source = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
    #endif

    mutating func next() -> UInt64 {
        if words.isEmpty { refill() }
        return words.removeLast()
    }

    private mutating func refill() {
        var fresh = [UInt64](repeating: 0, count: 256)
        var filled = false
        #if canImport(Glibc)
        if source >= 0 {
            let source = source
            filled = fresh.withUnsafeMutableBytes { buffer in read(source, buffer.baseAddress, buffer.count) == buffer.count }
        }
        #endif
        if !filled {
            var generator = SystemRandomNumberGenerator()
            fresh = fresh.map { _ in generator.next() }
        }
        words = fresh
    }
}
