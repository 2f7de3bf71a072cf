import Crypto
import Foundation
import Synchronization

/// Prefixed, time-ordered identifiers (`evt_…`, `dlv_…`): sorting them sorts by creation time,
/// which gives newest-first lists and cursors for free.
public enum Identifier {
    /// A new identifier: prefix, 12 hex digits of milliseconds since 1970, then 16 random hex digits.
    public static func make(_ prefix: String, at date: Date = Date()) -> String {
        let milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let random = randomWords.withLock { $0.next() }
        let digits = Array("0123456789abcdef".utf8)
        var tail = [UInt8](repeating: 0, count: 29)
        tail[0] = UInt8(ascii: "_")
        for index in 0..<12 { tail[1 + index] = digits[Int((milliseconds >> (4 * UInt64(11 - index))) & 0xF)] }
        for index in 0..<16 { tail[13 + index] = digits[Int((random >> (4 * UInt64(15 - index))) & 0xF)] }
        return prefix + String(decoding: tail, as: UTF8.self)
    }

    /// Random words drawn a few hundred at a time: ingest makes an identifier per event, delivery and attempt,
    /// and a system call per word (`SystemRandomNumberGenerator`) cost more than the rest of making one.
    private static let randomWords = Mutex(RandomWords())
}

/// Words of a cryptographic random source, fetched in bulk and handed out one by one.
private struct RandomWords {
    private var words: [UInt64] = []

    mutating func next() -> UInt64 {
        if words.isEmpty { refill() }
        return words.removeLast()
    }

    private mutating func refill() {
        // A key's bytes come from swift-crypto's secure generator in one call.
        let bytes = SymmetricKey(size: SymmetricKeySize(bitCount: 256 * 64))
        words = bytes.withUnsafeBytes { buffer in (0..<256).map { buffer.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self) } }
    }
}
