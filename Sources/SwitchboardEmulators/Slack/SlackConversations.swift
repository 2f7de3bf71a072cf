import Foundation
import Hummingbird

/// `conversations.list` and `conversations.info` as Slack answers a bot
/// (https://api.slack.com/methods/conversations.list, https://api.slack.com/methods/conversations.info): public
/// channels need `channels:read`, private ones `groups:read` and are seen only by members; pages of `limit`
/// (default 100, at most 1000) with an opaque cursor and `next_cursor: ""` on the last.
enum SlackConversations {
    static func list(_ arguments: [String: Any], scopes: Set<String>, in state: SlackEmulatorState) -> Response {
        let types = (arguments["types"] as? String ?? "public_channel").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let known: Set<String> = ["public_channel", "private_channel", "mpim", "im"]
        guard !types.isEmpty, types.allSatisfy(known.contains) else { return SlackEmulator.refusal("invalid_types") }
        for (type, scope) in [("public_channel", "channels:read"), ("private_channel", "groups:read")]
        where types.contains(type) && !scopes.contains(scope) {
            return SlackEmulator.refusal("missing_scope", ["needed": scope, "provided": scopes.sorted().joined(separator: ",")])
        }
        var limit = 100
        if let given = arguments["limit"] {
            guard let number = Int("\(given)"), (1...1000).contains(number) else { return SlackEmulator.refusal("invalid_limit") }
            limit = number
        }
        var offset = 0
        if let cursor = arguments["cursor"] as? String, !cursor.isEmpty {
            guard let decoded = Data(base64Encoded: cursor).map({ String(decoding: $0, as: UTF8.self) }), decoded.hasPrefix("offset:"),
                let start = Int(decoded.dropFirst(7))
            else { return SlackEmulator.refusal("invalid_cursor") }
            offset = start
        }
        let excludeArchived = ["true", "1"].contains("\(arguments["exclude_archived"] ?? "false")")
        let visible = state.workspace.withLock { workspace in
            workspace.channels.values.filter { channel in
                !channel.deleted && (!excludeArchived || !channel.isArchived)
                    && (channel.isPrivate ? types.contains("private_channel") && channel.botIsMember : types.contains("public_channel"))
            }
            .sorted { $0.id < $1.id }
        }
        let page = Array(visible.dropFirst(offset).prefix(limit))
        let next = offset + page.count < visible.count ? Data("offset:\(offset + page.count)".utf8).base64EncodedString() : ""
        return SlackEmulator.ok(["channels": page.map(json), "response_metadata": ["next_cursor": next]])
    }

    static func info(_ arguments: [String: Any], scopes: Set<String>, in state: SlackEmulatorState) -> Response {
        let id = arguments["channel"] as? String ?? ""
        let channel = state.workspace.withLock { $0.channels[id] }
        // A deleted channel, or a private one the bot is not in, is invisible to it.
        guard let channel, !channel.deleted, !channel.isPrivate || channel.botIsMember else { return SlackEmulator.refusal("channel_not_found") }
        let scope = channel.isPrivate ? "groups:read" : "channels:read"
        guard scopes.contains(scope) else {
            return SlackEmulator.refusal("missing_scope", ["needed": scope, "provided": scopes.sorted().joined(separator: ",")])
        }
        return SlackEmulator.ok(["channel": json(channel)])
    }

    static func json(_ channel: SlackEmulatorState.Channel) -> [String: Any] {
        [
            "id": channel.id, "name": channel.name, "name_normalized": channel.name, "is_channel": !channel.isPrivate, "is_group": channel.isPrivate,
            "is_im": false, "is_mpim": false, "is_private": channel.isPrivate, "is_archived": channel.isArchived, "is_general": false,
            "is_member": channel.botIsMember, "created": 1_700_000_000, "is_shared": false, "is_ext_shared": false, "is_org_shared": false,
        ]
    }
}
