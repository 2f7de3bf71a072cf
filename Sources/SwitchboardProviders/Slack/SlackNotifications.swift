import Foundation
import SwitchboardDomain

/// The messages Slack integrations post: one per call, a digest of every event the call carries, grouped by kind and
/// broadcast — who, which broadcast, the figures, a link when the broadcast has one — readable at a glance.
enum SlackNotifications {
    /// The message for a batch of events, and which of them it carries (the others wait for the next message); nil
    /// when it carries none. Groups go in the order of their first event, as many as Slack takes in one message:
    /// 50 blocks, and about 11,000 characters of block text (Slack refuses more as `msg_blocks_too_long`; the limit
    /// is not documented, https://github.com/slackapi/bolt-js/issues/2509 reports about 12,000). Every registrant a
    /// message counts is named in it.
    static func digest(_ events: [OutboundEvent]) -> (message: SlackMessage, carried: [Bool])? {
        var carried = Array(repeating: false, count: events.count)
        var blocks: [JSONValue] = []
        var lines: [String] = []
        var characters = 0
        for group in group(events) {
            let divider = blocks.isEmpty ? [] : [SlackMessage.divider]
            let (blocksLeft, charactersLeft) = (SlackMessage.maxBlocks - blocks.count - divider.count, SlackMessage.maxBlockText - characters)
            // The most of the group's events that fit (a group's blocks grow with its events).
            func fits(_ count: Int) -> (blocks: [JSONValue], line: String)? {
                let rendered = render(Group(type: group.type, key: group.key, events: Array(group.events.prefix(count))))
                return rendered.blocks.count <= blocksLeft && SlackMessage.textSize(rendered.blocks) <= charactersLeft ? rendered : nil
            }
            var (low, high) = (0, group.events.count)
            while low < high {
                let middle = (low + high + 1) / 2
                if fits(middle) != nil { low = middle } else { high = middle - 1 }
            }
            guard low > 0, let (groupBlocks, line) = fits(low) else { continue }
            blocks += divider + groupBlocks
            characters += SlackMessage.textSize(groupBlocks)
            lines.append(line)
            for index in group.indices.prefix(low) { carried[index] = true }
        }
        guard !blocks.isEmpty else { return nil }
        let text = SlackMessage.clip(lines.joined(separator: "\n"), to: SlackMessage.maxFallbackText)
        return (SlackMessage(text: text, blocks: blocks), carried)
    }

    /// Events of one kind about one broadcast (or one alert), in order, with their places in the batch.
    struct Group {
        let type: OutboundEventType
        let key: String
        var events: [OutboundEvent]
        var indices: [Int] = []
    }

    static func group(_ events: [OutboundEvent]) -> [Group] {
        var groups: [Group] = []
        for (index, event) in events.enumerated() {
            // Summaries and alerts stand alone; registrations and attendance gather by broadcast.
            let gathers = event.type == .registrationCreated || event.type == .attendanceRecorded
            let key = gathers ? event.data["broadcast"]?["id"]?.stringValue ?? "" : UUID().uuidString
            if let found = groups.firstIndex(where: { $0.type == event.type && $0.key == key }) {
                groups[found].events.append(event)
                groups[found].indices.append(index)
            } else {
                groups.append(Group(type: event.type, key: key, events: [event], indices: [index]))
            }
        }
        return groups
    }

    /// A group's blocks and its line of the plain-text fallback (mrkdwn too: escaped).
    static func render(_ group: Group) -> (blocks: [JSONValue], line: String) {
        let first = group.events[0]
        let broadcast = first.data["broadcast"]
        let title = SlackMessage.escape(broadcast?["title"]?.stringValue ?? broadcast?["id"]?.stringValue ?? "a broadcast")
        let titled = "*\(SlackMessage.link(broadcast?["url"]?.stringValue, title))*"
        let count = group.events.count
        switch group.type {
        case .registrationCreated:
            let names = group.events.map { SlackMessage.escape(name(of: $0.data["registrant"])) }
            let lead = count == 1 ? "\(registrantLine(first.data)) registered for \(titled)" : "*\(count) new registrations* for \(titled)"
            let listing = SlackMessage.sections(listing: group.events.map { "• " + registrantLine($0.data) })
            return (
                [SlackMessage.section(":wave: " + lead)] + (count == 1 ? [] : listing) + [context(broadcast, first)],
                count == 1 ? "\(names[0]) registered for \(title)" : "\(count) new registrations for \(title): \(names.joined(separator: ", "))"
            )
        case .attendanceRecorded:
            let names = group.events.map { SlackMessage.escape(name(of: $0.data["registrant"])) }
            let lead = count == 1 ? "\(registrantLine(first.data)) attended \(titled)" : "*\(count) attended* \(titled)"
            let lines = group.events.map { event in
                "• \(registrantLine(event.data)) · watched \(watched(event))"
            }
            let listing = SlackMessage.sections(listing: lines)
            return (
                [SlackMessage.section(":eyes: " + lead + (count == 1 ? " · watched \(watched(first))" : ""))] + (count == 1 ? [] : listing)
                    + [context(broadcast, first)],
                count == 1 ? "\(names[0]) attended \(title)" : "\(count) attended \(title): \(names.joined(separator: ", "))"
            )
        case .broadcastSummary:
            let data = first.data
            let (registrants, attendees) = (Int(data["registrants"]?.numberValue ?? 0), Int(data["attendees"]?.numberValue ?? 0))
            let rate = Int(((data["attendance_rate"]?.numberValue ?? 0) * 100).rounded())
            return (
                [
                    SlackMessage.header("\(broadcast?["title"]?.stringValue ?? broadcast?["id"]?.stringValue ?? "A broadcast") has ended"),
                    SlackMessage.fields([
                        ("Registrants", "\(registrants)"), ("Attendees", "\(attendees)"), ("Attendance rate", "\(rate) %"),
                        ("Average watch time", duration(seconds: Int(data["average_watch_seconds"]?.numberValue ?? 0))),
                        ("Total watch time", duration(seconds: Int(data["total_watch_seconds"]?.numberValue ?? 0))),
                    ]),
                    context(broadcast, first),
                ],
                "\(title) has ended: \(registrants) registrants, \(attendees) attended (\(rate) %)"
            )
        case .integrationAlert:
            let integration = first.data["integration"]
            let label = SlackMessage.escape(integration?["label"]?.stringValue ?? "An integration")
            let detail = SlackMessage.escape(integration?["status_detail"]?.stringValue ?? "It was paused.")
            let reason = integration?["pause_reason"]?.stringValue.map { " (`\($0)`)" } ?? ""
            return (
                [
                    SlackMessage.section(":warning: *\(label)* was paused\(reason)\n\(detail)"),
                    SlackMessage.context("Switchboard · Settings > Integrations"),
                ],
                "\(label) was paused: \(detail)"
            )
        }
    }

    /// How long an attendee watched.
    static func watched(_ event: OutboundEvent) -> String {
        duration(seconds: Int(event.data["watch_seconds"]?.numberValue ?? 0))
    }

    /// "Ada Lovelace" from a registrant, or the email when no name was given.
    static func name(of registrant: JSONValue?) -> String {
        let parts = [registrant?["first_name"]?.stringValue, registrant?["last_name"]?.stringValue].compactMap { $0 }.filter { !$0.isEmpty }
        return parts.isEmpty ? registrant?["email"]?.stringValue ?? "someone" : parts.joined(separator: " ")
    }

    /// "Ada Lovelace (ada@example.com) · Analytical · via partner-x", escaped for mrkdwn.
    static func registrantLine(_ data: JSONValue) -> String {
        let registrant = data["registrant"]
        var parts = ["*\(SlackMessage.escape(name(of: registrant)))*"]
        if let email = registrant?["email"]?.stringValue, !parts[0].contains(email) { parts[0] += " (\(SlackMessage.escape(email)))" }
        if let company = registrant?["company"]?.stringValue, !company.isEmpty { parts.append(SlackMessage.escape(company)) }
        if let source = data["source"]?.stringValue, !source.isEmpty { parts.append("via \(SlackMessage.escape(source))") }
        return parts.joined(separator: " · ")
    }

    /// The broadcast's id and start (or end), under the group.
    static func context(_ broadcast: JSONValue?, _ event: OutboundEvent) -> JSONValue {
        var parts = ["Broadcast `\(SlackMessage.escape(broadcast?["id"]?.stringValue ?? "?"))`"]
        if let starts = broadcast?["starts_at"]?.stringValue.flatMap(Timestamp.parse) { parts.append("starts \(format(starts))") }
        if let ended = broadcast?["ended_at"]?.stringValue.flatMap(Timestamp.parse) { parts.append("ended \(format(ended))") }
        parts.append("via Switchboard")
        return SlackMessage.context(parts.joined(separator: " · "))
    }

    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMM yyyy, HH:mm 'UTC'"
        return formatter.string(from: date)
    }

    /// "45 s", "42 min", "1 h 5 min".
    static func duration(seconds: Int) -> String {
        if seconds < 60 { return "\(seconds) s" }
        let minutes = (seconds + 30) / 60
        return minutes < 60 ? "\(minutes) min" : "\(minutes / 60) h \(minutes % 60) min"
    }

    /// A realistic sample of a notification type, for Send Test Notification.
    static func sample(_ type: SlackSettings.NotificationType, now: Date) -> SlackMessage {
        let broadcast: JSONValue = [
            "id": "brd_test", "title": "Launch week (test)", "starts_at": .string(Timestamp.format(now.addingTimeInterval(86_400))),
        ]
        let ada: JSONValue = ["email": "ada@example.com", "first_name": "Ada", "last_name": "Lovelace", "company": "Analytical Engines"]
        let event: OutboundEvent =
            switch type {
            case .registration:
                OutboundEvent(type: .registrationCreated, occurredAt: now, data: ["broadcast": broadcast, "registrant": ada, "source": "website"])
            case .attendance:
                OutboundEvent(type: .attendanceRecorded, occurredAt: now, data: ["broadcast": broadcast, "registrant": ada, "watch_seconds": 2520])
            case .broadcastSummary, .payment:
                OutboundEvent(
                    type: .broadcastSummary,
                    occurredAt: now,
                    data: [
                        "broadcast": ["id": "brd_test", "title": "Launch week (test)", "ended_at": .string(Timestamp.format(now))],
                        "registrants": 1200, "attendees": 744, "attendance_rate": .number(0.62), "average_watch_seconds": 1860,
                        "total_watch_seconds": 1_383_840,
                    ]
                )
            case .integrationAlert:
                OutboundEvent(
                    type: .integrationAlert,
                    occurredAt: now,
                    data: [
                        "integration": [
                            "id": "int_test", "label": "HubSpot (test)", "provider": "hubspot", "status": "paused",
                            "pause_reason": "expired_credentials",
                            "status_detail":
                                "HubSpot rejected the credentials (the token was revoked): reconnect HubSpot, then resume the integration.",
                        ]
                    ]
                )
            }
        var message = digest([event])?.message ?? SlackMessage(text: "Test notification", blocks: [])
        if type == .payment {
            // No payment events exist yet: the sample says what will come instead of inventing one.
            message = SlackMessage(
                text: "Test notification: payments will be posted here once Stripe is connected",
                blocks: [SlackMessage.section(":credit_card: Payments will be posted here once a Stripe integration takes payments.")]
            )
        }
        message.text = "[Test] " + message.text
        message.blocks.append(SlackMessage.context(":test_tube: A test notification sent from Switchboard"))
        return message
    }
}
