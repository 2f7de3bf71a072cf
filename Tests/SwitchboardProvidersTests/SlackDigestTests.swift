import Foundation
import SwitchboardDomain
import Testing

@testable import SwitchboardProviders

/// Digests within what Slack takes in one message: 50 blocks and about 11,000 characters of block text; what does
/// not fit waits for the next message, and every registrant a message counts is named in it.
@Suite("Slack digests")
struct SlackDigestTests {
    static func registration(_ index: Int, broadcast: String = "brd_1", name: String = "Ada") -> OutboundEvent {
        OutboundEvent(
            type: .registrationCreated,
            occurredAt: Date(),
            data: [
                "broadcast": ["id": .string(broadcast), "title": "Q&A <live>"],
                "registrant": ["email": .string("r\(index)@example.com"), "first_name": .string(name), "company": "Analytical & Co"],
            ]
        )
    }

    @Test("200 long registrations: one message within the limits, the rest carried over, each carried one named")
    func longListing() throws {
        let events = (0..<200).map { Self.registration($0, name: String(repeating: "Augusta ", count: 12)) }
        let (message, carried) = try #require(SlackNotifications.digest(events))
        #expect(message.blocks.count <= SlackMessage.maxBlocks)
        #expect(SlackMessage.textSize(message.blocks) <= SlackMessage.maxBlockText)
        let taken = carried.filter { $0 }.count
        #expect(taken > 0 && taken < 200, "\(taken) carried")
        let text = message.blocks.map { "\($0)" }.joined()
        for index in 0..<200 { #expect(text.contains("r\(index)@example.com") == carried[index]) }
        #expect(text.contains("*\(taken) new registrations*"))
    }

    @Test("30 broadcasts in one batch stay within 50 blocks; names and titles are escaped in blocks and the fallback text")
    func manyGroupsEscaped() throws {
        let events = (0..<30).map { Self.registration($0, broadcast: "brd_\($0)") }
        let (message, carried) = try #require(SlackNotifications.digest(events))
        #expect(message.blocks.count <= SlackMessage.maxBlocks)
        #expect(carried.contains(false), "some broadcasts wait for the next message")
        #expect(!message.text.contains("<live>") && message.text.contains("Q&amp;A &lt;live&gt;"))
        #expect(!"\(message.blocks)".contains("<live>"))
    }
}
