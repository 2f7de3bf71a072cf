import Foundation
import SwitchboardDomain
import Testing

@Suite("Webhook payload")
struct WebhookPayloadTests {
    @Test("a body is the whole document {data, timestamp, type} as a JSON encoder writes it: compact, keys sorted, slashes as they are")
    func bodyIsTheEncodedDocument() throws {
        let data: [String: JSONValue] = [
            "registrant": .object([
                "email": .string("zoë@example.com"),
                "first_name": .string("Zoë \"Z\" <z>/😀"),
                "custom_fields": .object(["score": .number(12.5), "count": .number(3), "tags": .array([.string("a/b")]), "none": .null]),
            ]),
            "broadcast": .object(["id": .string("brd_1"), "url": .string("https://example.com/live/1")]),
        ]
        let occurredAt = Date(timeIntervalSince1970: 1_764_158_400.123)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let document: JSONValue = .object([
            "type": .string(OutboundEventType.registrationCreated.rawValue),
            "timestamp": .string(Timestamp.format(occurredAt)),
            "data": .object(data),
        ])
        #expect(WebhookPayload.body(type: .registrationCreated, occurredAt: occurredAt, data: data) == Array(try encoder.encode(document)))
    }
}
