import Foundation
import Hummingbird

/// `chat.postMessage` as Slack checks it (https://api.slack.com/methods/chat.postMessage,
/// https://api.slack.com/reference/block-kit/blocks): `chat:write`; a channel the bot can see, not archived, with the
/// bot in it; text or blocks; Block Kit's limits (50 blocks, section text 1–3000 characters, 10 fields of at most
/// 2000, plain-text headers of at most 150, 10 context elements), refused as `invalid_blocks` with Slack's pointers.
enum SlackMessages {
    static func post(_ arguments: [String: Any], scopes: Set<String>, in state: SlackEmulatorState) -> Response {
        guard scopes.contains("chat:write") else {
            return SlackEmulator.refusal("missing_scope", ["needed": "chat:write", "provided": scopes.sorted().joined(separator: ",")])
        }
        let id = arguments["channel"] as? String ?? ""
        let channel = state.workspace.withLock { $0.channels[id] }
        guard let channel, !channel.deleted, !channel.isPrivate || channel.botIsMember else { return SlackEmulator.refusal("channel_not_found") }
        if channel.isArchived { return SlackEmulator.refusal("is_archived") }
        if !channel.botIsMember && !scopes.contains("chat:write.public") { return SlackEmulator.refusal("not_in_channel") }
        var blocks: [[String: Any]] = []
        if let given = arguments["blocks"] {
            // A form body carries blocks as JSON text.
            let parsed = (given as? String).flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } ?? given
            guard let list = parsed as? [[String: Any]] else { return SlackEmulator.refusal("invalid_blocks_format") }
            blocks = list
        }
        var text = arguments["text"] as? String ?? ""
        if text.isEmpty && blocks.isEmpty { return SlackEmulator.refusal("no_text") }
        let problems = problems(in: blocks)
        if !problems.isEmpty { return SlackEmulator.refusal("invalid_blocks", ["errors": problems]) }
        // The blocks' text together: Slack's limit is not documented; about 12,000 characters is reported
        // (https://github.com/slackapi/bolt-js/issues/2509).
        if textSize(blocks) > 12_000 { return SlackEmulator.refusal("msg_blocks_too_long") }
        var warning: String?
        if text.count > 40_000 {
            text = String(text.prefix(40_000))
            warning = "message_truncated"
        }
        let blocksJSON =
            (try? JSONSerialization.data(withJSONObject: blocks, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        let ts = state.workspace.withLock { workspace -> String in
            // Unique and increasing per workspace: "seconds.microseconds".
            workspace.lastTS = max(workspace.lastTS + 0.000001, Date().timeIntervalSince1970)
            let ts = String(format: "%.6f", workspace.lastTS)
            workspace.messages.append(SlackEmulatorState.Message(channel: id, ts: ts, text: text, blocksJSON: blocksJSON))
            return ts
        }
        var body: [String: Any] = [
            "channel": id, "ts": ts,
            "message": ["type": "message", "subtype": "bot_message", "text": text, "bot_id": "B0SWITCHBD", "ts": ts, "blocks": blocks],
        ]
        if let warning { body["warning"] = warning }
        return SlackEmulator.ok(body)
    }

    /// The characters of every `text` string in the blocks.
    static func textSize(_ value: Any) -> Int {
        if let object = value as? [String: Any] {
            return object.reduce(0) { $0 + ($1.key == "text" ? ($1.value as? String)?.utf16.count ?? textSize($1.value) : textSize($1.value)) }
        }
        if let items = value as? [Any] { return items.reduce(0) { $0 + textSize($1) } }
        return 0
    }

    /// What Slack would refuse in `blocks`, in its words ("must be less than 3001 characters [json-pointer:/blocks/0/text/text]").
    static func problems(in blocks: [[String: Any]]) -> [String] {
        var problems: [String] = []
        if blocks.count > 50 { problems.append("no more than 50 items allowed [json-pointer:/blocks]") }
        func text(_ object: Any?, _ pointer: String, max: Int, plainOnly: Bool = false) {
            guard let object = object as? [String: Any], let type = object["type"] as? String, let value = object["text"] as? String else {
                problems.append("must provide an object [json-pointer:\(pointer)]")
                return
            }
            if plainOnly && type != "plain_text" { problems.append("must be plain_text [json-pointer:\(pointer)/type]") }
            if !["plain_text", "mrkdwn"].contains(type) { problems.append("must be a valid enum value [json-pointer:\(pointer)/type]") }
            if value.isEmpty { problems.append("must be more than 0 characters [json-pointer:\(pointer)/text]") }
            if value.count > max { problems.append("must be less than \(max + 1) characters [json-pointer:\(pointer)/text]") }
        }
        for (index, block) in blocks.enumerated() {
            let at = "/blocks/\(index)"
            switch block["type"] as? String {
            case "section":
                let fields = block["fields"] as? [Any]
                if block["text"] == nil && fields == nil { problems.append("must provide text or fields [json-pointer:\(at)]") }
                if block["text"] != nil { text(block["text"], at + "/text", max: 3000) }
                if let fields {
                    if fields.count > 10 { problems.append("no more than 10 items allowed [json-pointer:\(at)/fields]") }
                    for (field, item) in fields.enumerated() { text(item, at + "/fields/\(field)", max: 2000) }
                }
            case "header": text(block["text"], at + "/text", max: 150, plainOnly: true)
            case "context":
                let elements = block["elements"] as? [Any] ?? []
                if elements.isEmpty || elements.count > 10 { problems.append("must have 1 to 10 items [json-pointer:\(at)/elements]") }
            case "divider": break
            case "actions":
                let elements = block["elements"] as? [Any] ?? []
                if elements.isEmpty || elements.count > 25 { problems.append("must have 1 to 25 items [json-pointer:\(at)/elements]") }
            default: problems.append("must be a valid enum value [json-pointer:\(at)/type]")
            }
        }
        return problems
    }
}
