import Foundation
import Synchronization

/// What a Slack workspace holds, as the emulator keeps it: bot tokens and their scopes, channels (public or private,
/// archived, deleted, with or without the app in them), the messages posted, and the operator's OAuth app. Tests read
/// it to check what Switchboard posted and change it to drive integrations into every state.
public final class SlackEmulatorState: Sendable {
    public struct Channel: Sendable, Equatable {
        public let id: String
        public var name: String
        public var isPrivate: Bool
        public var isArchived = false
        public var deleted = false
        /// Whether the app's bot user is in the channel.
        public var botIsMember: Bool
    }

    /// A message as `chat.postMessage` stored it.
    public struct Message: Sendable, Equatable {
        public let channel: String
        public let ts: String
        public let text: String
        /// The blocks, as JSON text.
        public let blocksJSON: String
    }

    struct Token {
        var scopes: Set<String>
        var revoked = false
        var inactive = false
        /// With token rotation: when it stops working (`token_expired`).
        var expiresAt: Date?
    }

    /// A rotating app's refresh token: the scopes it grants; used once.
    struct Refresh {
        let clientID: String
        let scopes: Set<String>
    }

    struct Workspace {
        var tokens: [String: Token] = [:]
        var channels: [String: Channel] = [:]
        var messages: [Message] = []
        var apps: [String: String] = [:]
        /// Apps with token rotation on, and their tokens' lifetime.
        var rotating: [String: TimeInterval] = [:]
        var refreshTokens: [String: Refresh] = [:]
        var codes: [String: (clientID: String, redirectURI: String, scopes: Set<String>, issuedAt: Date)] = [:]
        var lastTS: Double = 0
        var throttled = 0
        var calls: [String: Int] = [:]
        /// How long a method takes to answer (a slow or overloaded Slack), by method name.
        var latency: [String: Duration] = [:]
    }

    let workspace = Mutex(Workspace())
    /// Per-method rate limits (https://api.slack.com/apis/rate-limits): `chat.postMessage` about one a second per
    /// channel with short bursts (three in three seconds here: the burst size is not documented), auth.test
    /// "hundreds per minute", conversations.list Tier 2 (20 a minute), conversations.info Tier 3 (50 a minute).
    let postLimiter: RollingWindowLimiter
    let methodLimiters: [String: RollingWindowLimiter]

    public init(postsPerChannel: (limit: Int, window: TimeInterval) = (3, 3), listsPerMinute: Int = 20) {
        postLimiter = RollingWindowLimiter(limit: postsPerChannel.limit, window: postsPerChannel.window)
        methodLimiters = [
            "auth.test": RollingWindowLimiter(limit: 300, window: 60),
            "conversations.list": RollingWindowLimiter(limit: listsPerMinute, window: 60),
            "conversations.info": RollingWindowLimiter(limit: 50, window: 60),
        ]
    }

    /// A bot token (`xoxb-…`) with these scopes.
    public func issueToken(scopes: Set<String> = ["chat:write", "channels:read", "groups:read"]) -> String {
        let token = "xoxb-1111111111-2222222222-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(24)
        workspace.withLock { $0.tokens[token] = Token(scopes: scopes) }
        return token
    }

    /// `method` answers only after `delay` from now on (zero: at once again).
    public func slowDown(_ method: String, by delay: Duration) {
        workspace.withLock { $0.latency[method] = delay == .zero ? nil : delay }
    }

    /// The app was uninstalled: its token answers `token_revoked`.
    public func revoke(_ token: String) {
        workspace.withLock { $0.tokens[token]?.revoked = true }
    }

    /// The app's scopes changed (reinstalled with fewer, say).
    public func setScopes(_ scopes: Set<String>, of token: String) {
        workspace.withLock { $0.tokens[token]?.scopes = scopes }
    }

    /// The workspace or bot user was deleted: the token answers `account_inactive`.
    public func deactivate(_ token: String) {
        workspace.withLock { $0.tokens[token]?.inactive = true }
    }

    /// A new channel; its id.
    @discardableResult
    public func createChannel(named name: String, isPrivate: Bool = false, botIsMember: Bool = true) -> String {
        workspace.withLock { workspace in
            let id = (isPrivate ? "G" : "C") + String(format: "%08X", workspace.channels.count + 0x1000_0000)
            workspace.channels[id] = Channel(id: id, name: name, isPrivate: isPrivate, botIsMember: botIsMember)
            return id
        }
    }

    public func archive(_ channel: String) {
        workspace.withLock { $0.channels[channel]?.isArchived = true }
    }

    public func delete(_ channel: String) {
        workspace.withLock { $0.channels[channel]?.deleted = true }
    }

    /// The app is removed from the channel (or never invited).
    public func removeApp(from channel: String) {
        workspace.withLock { $0.channels[channel]?.botIsMember = false }
    }

    /// The operator's app; with `rotation`, its bot tokens expire after `tokenLifetime` (Slack: 12 hours) and come
    /// with a refresh token (https://docs.slack.dev/authentication/using-token-rotation).
    public func registerApp(clientID: String, secret: String, rotation: Bool = false, tokenLifetime: TimeInterval = 43_200) {
        workspace.withLock { workspace in
            workspace.apps[clientID] = secret
            workspace.rotating[clientID] = rotation ? tokenLifetime : nil
        }
    }

    /// Every token issued for an app ages past its expiry now (a process that slept through the 12 hours).
    public func expireRotatingTokens() {
        workspace.withLock { workspace in
            for (key, token) in workspace.tokens where token.expiresAt != nil { workspace.tokens[key]?.expiresAt = Date(timeIntervalSince1970: 0) }
        }
    }

    /// The messages posted to a channel, oldest first.
    public func messages(in channel: String) -> [Message] {
        workspace.withLock { $0.messages.filter { $0.channel == channel } }
    }

    /// How many calls were answered 429.
    public var throttledCount: Int { workspace.withLock { $0.throttled } }

    /// How many calls each method got (answered or not).
    public func calls(of method: String) -> Int { workspace.withLock { $0.calls[method] ?? 0 } }
}
