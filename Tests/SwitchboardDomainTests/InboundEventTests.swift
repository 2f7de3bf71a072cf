import Foundation
import SwitchboardDomain
import Testing

@Suite("Inbound events")
struct InboundEventTests {
    let now = Date(timeIntervalSince1970: 1_764_000_000)

    func json(_ text: String) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }

    @Test("the specification's example parses and keeps unknown fields")
    func specExample() throws {
        let event = try InboundEvent.parse(
            json(
                #"{"type": "registration.created", "idempotency_key": "reg-8812", "occurred_at": "2026-11-24T16:00:00Z", "data": {"broadcast": {"id": "brd_42", "title": "Launch week"}, "registrant": {"email": "Ada@Example.com", "custom_fields": {"role": "CTO"}}, "source": "partner-x", "extra": [1, 2]}}"#
            ),
            receivedAt: now
        )
        #expect(event.type == .registrationCreated)
        #expect(event.idempotencyKey == "reg-8812")
        #expect(event.broadcastID == "brd_42")
        #expect(event.registrantEmail == "ada@example.com")
        #expect(event.data["extra"] == .array([.number(1), .number(2)]))
        #expect(Timestamp.format(event.occurredAt) == "2026-11-24T16:00:00Z")
    }

    @Test("occurred_at defaults to the time of receipt")
    func defaultTime() throws {
        let event = try InboundEvent.parse(json(#"{"type": "broadcast.ended", "data": {"broadcast": {"id": "b"}}}"#), receivedAt: now)
        #expect(event.occurredAt == now)
    }

    @Test("an unknown type, a missing broadcast id and a bad email are each reported by field")
    func fieldErrors() throws {
        let unknown = #expect(throws: InvalidEvent.self) {
            try InboundEvent.parse(self.json(#"{"type": "registration.create", "data": {"broadcast": {"id": "b"}}}"#), receivedAt: self.now)
        }
        #expect(unknown?.errors.map(\.field) == ["type"])
        let missing = #expect(throws: InvalidEvent.self) {
            try InboundEvent.parse(
                self.json(#"{"type": "attendance.recorded", "data": {"registrant": {"email": "not-an-email"}}}"#),
                receivedAt: self.now,
                path: "events/2/"
            )
        }
        #expect(Set(missing?.errors.map(\.field) ?? []) == ["events/2/data/broadcast/id", "events/2/data/registrant/email"])
    }

    @Test("the summary computes rate and averages, and survives an empty broadcast")
    func summary() {
        let summary = BroadcastSummary(registrants: 1204, attendees: 733, totalWatchSeconds: 733 * 2214)
        #expect(summary.attendanceRate == 0.6088)
        #expect(summary.averageWatchSeconds == 2214)
        #expect(BroadcastSummary(registrants: 0, attendees: 0, totalWatchSeconds: 0).attendanceRate == 0)
    }

    @Test("times format as RFC 3339 UTC and parse back")
    func timestamps() throws {
        #expect(Timestamp.format(now) == "2025-11-24T16:00:00Z")
        let fractional = now.addingTimeInterval(0.25)
        #expect(Timestamp.format(fractional) == "2025-11-24T16:00:00.250Z")
        #expect(Timestamp.parse("2025-11-24T16:00:00.250Z") == fractional)
        #expect(Timestamp.parse("2025-11-24T17:00:00+01:00") == now)
    }

    @Test("identifiers sort by creation time")
    func identifiers() {
        let first = Identifier.make("evt", at: now)
        let second = Identifier.make("evt", at: now.addingTimeInterval(0.001))
        #expect(first < second)
        #expect(first.hasPrefix("evt_"))
    }

    @Test("a lower bound sorts after every identifier made earlier and before every one made at its time or later")
    func identifierLowerBound() throws {
        let bound = Identifier.lowerBound("evt", at: now)
        #expect(Identifier.make("evt", at: now.addingTimeInterval(-0.001)) < bound)
        #expect(bound < Identifier.make("evt", at: now))
        #expect(bound < Identifier.make("evt", at: now.addingTimeInterval(0.001)))
        // Another prefix made at the same moment has the same time.
        let milliseconds = try #require(Identifier.milliseconds(of: Identifier.make("msg", at: now)))
        #expect(Identifier.lowerBound("evt", milliseconds: milliseconds) == bound)
        #expect(Identifier.milliseconds(of: "no-separator") == nil)
    }

    @Test("identifiers are the prefix, 12 hex digits of milliseconds and 16 random hex digits, never repeated")
    func identifierLayout() {
        let id = Identifier.make("msg", at: now)
        let milliseconds = String(UInt64(now.timeIntervalSince1970 * 1000), radix: 16)
        #expect(id.count == 4 + 12 + 16)
        #expect(id.hasPrefix("msg_" + String(repeating: "0", count: 12 - milliseconds.count) + milliseconds))
        #expect(id.dropFirst(4).allSatisfy { "0123456789abcdef".contains($0) })
        // Several refills of the random words: all distinct, at one and the same millisecond.
        let many = (0..<2000).map { _ in Identifier.make("msg", at: now) }
        #expect(Set(many).count == many.count)
    }
}
