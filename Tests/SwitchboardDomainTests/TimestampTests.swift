import Foundation
import SwitchboardDomain
import Testing

/// RFC 3339 as the API reads it: its grammar and ranges, whatever Foundation's parser would let through.
@Suite("RFC 3339 times")
struct TimestampTests {
    @Test(
        "out-of-range parts are refused, not rolled over",
        arguments: [
            "2024-01-01T12:99:00Z", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T00:00:60Z",
            "2024-01-01T00:00:00+24:00", "2024-01-01 00:00:00Z", "2024-01-01T00:00:00",
        ]
    )
    func refused(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test("every offset RFC 3339 allows, fractions, lowercase t and z, and 29 February of a leap year")
    func accepted() throws {
        let utc = try #require(Timestamp.parse("2026-06-24T14:13:19Z"))
        #expect(Timestamp.parse("2026-06-24T14:13:19-23:52") == utc.addingTimeInterval(23 * 3600 + 52 * 60))
        #expect(Timestamp.parse("2026-06-24T14:13:19+05:30") == utc.addingTimeInterval(-(5 * 3600 + 30 * 60)))
        #expect(Timestamp.parse("2026-06-24t14:13:19z") == utc)
        #expect(Timestamp.parse("2026-06-24T14:13:19.250Z") == utc.addingTimeInterval(0.25))
        #expect(Timestamp.parse("2024-02-29T00:00:00Z") != nil)
    }
}
