import Foundation
import SwitchboardDomain

/// A `chat.postMessage` body: Block Kit blocks, and the plain `text` Slack shows in notifications and where blocks
/// cannot be shown (https://api.slack.com/reference/block-kit/blocks).
struct SlackMessage: Equatable {
    var text: String
    var blocks: [JSONValue]

    /// Slack's limits: 50 blocks a message, 3,000 characters of section text, 150 of header text, 10 context elements.
    static let maxBlocks = 50
    static let maxSectionText = 3000
    static let maxHeaderText = 150
    /// Kept well under Slack's 40,000-character `text` limit: a notification preview, not the whole list.
    static let maxFallbackText = 3000
    /// The text of one message's blocks together: Slack refuses more as `msg_blocks_too_long` (undocumented; about
    /// 12,000 reported in https://github.com/slackapi/bolt-js/issues/2509), so digests stay under 11,000.
    static let maxBlockText = 11_000

    static func header(_ text: String) -> JSONValue {
        ["type": "header", "text": ["type": "plain_text", "text": .string(clip(text, to: maxHeaderText)), "emoji": true]]
    }

    static func section(_ markdown: String) -> JSONValue {
        ["type": "section", "text": ["type": "mrkdwn", "text": .string(clip(markdown, to: maxSectionText))]]
    }

    static func fields(_ pairs: [(String, String)]) -> JSONValue {
        ["type": "section", "fields": .array(pairs.prefix(10).map { .object(["type": "mrkdwn", "text": .string("*\($0.0)*\n\($0.1)")]) })]
    }

    static func context(_ markdown: String) -> JSONValue {
        ["type": "context", "elements": [["type": "mrkdwn", "text": .string(clip(markdown, to: maxSectionText))]]]
    }

    static let divider: JSONValue = ["type": "divider"]

    /// Text from outside (names, titles) made safe for mrkdwn: Slack asks for `&`, `<` and `>` to be escaped.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// A link in mrkdwn, `<url|label>`, for an http(s) URL; the label alone otherwise.
    static func link(_ url: String?, _ label: String) -> String {
        guard let url, url.hasPrefix("https://") || url.hasPrefix("http://"), !url.contains("|"), !url.contains(">") else { return label }
        return "<\(url)|\(label)>"
    }

    static func clip(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// Lines gathered into sections of at most `maxSectionText` characters.
    static func sections(listing lines: [String]) -> [JSONValue] {
        var sections: [String] = []
        var current = ""
        for line in lines {
            if !current.isEmpty && current.utf16.count + line.utf16.count + 1 > maxSectionText {
                sections.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : "\n") + line
        }
        if !current.isEmpty { sections.append(current) }
        return sections.map(section)
    }

    /// The characters of text in blocks (every `text` string), as Slack limits a message's blocks in total.
    static func textSize(_ blocks: [JSONValue]) -> Int {
        func size(_ value: JSONValue) -> Int {
            switch value {
            case .object(let members):
                members.reduce(0) { $0 + ($1.key == "text" ? ($1.value.stringValue?.utf16.count ?? size($1.value)) : size($1.value)) }
            case .array(let items): items.reduce(0) { $0 + size($1) }
            default: 0
            }
        }
        return blocks.reduce(0) { $0 + size($1) }
    }
}
