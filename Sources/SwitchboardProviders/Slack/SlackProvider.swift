import AsyncHTTPClient
import Foundation
import SwitchboardDomain
import SwitchboardEngine

/// Slack as a notification provider (SPEC §1): each selected notification type is posted to the chosen channel with
/// `chat.postMessage`, as digests — the engine hands over every delivery that arrived since the last message, at most
/// one message a second per channel, so a burst of thousands of registrations becomes a message a second listing
/// them all, not hours of single messages or 429s.
public struct SlackProvider: EventDelivering, OffersOptions, SendsTests {
    let http: HTTPClient
    let baseURL: String
    /// The operator's Slack app, when managers may connect with OAuth (`oauth.v2.access`).
    let oauth: OAuthApp?

    public init(http: HTTPClient, baseURL: String = SlackAPI.defaultBaseURL, oauth: OAuthApp? = nil) {
        self.http = http
        self.baseURL = baseURL
        self.oauth = oauth
    }

    public var description: ProviderDescription {
        ProviderDescription(
            provider: "slack",
            category: "Notification Providers",
            displayName: "Slack",
            credentials: ["bot_token"],
            settings: ["channel_id", "notification_types"],
            events: [OutboundEventType.registrationCreated, .attendanceRecorded, .broadcastSummary, .integrationAlert].map(\.rawValue),
            notificationTypes: SlackSettings.NotificationType.allCases.map(\.rawValue)
        )
    }

    public var settingsSchema: JSONValue { SlackSettings.schema }

    /// A bot token (`xoxb-…`); none when the manager connects with OAuth.
    public var credentialsSchema: JSONValue? {
        ProviderSchemas.object(["bot_token": ["type": "string", "pattern": "^xoxb-[0-9A-Za-z-]{10,250}$"]], required: ["bot_token"])
    }

    /// One message carries up to 200 events (listed in a few sections), one message at a time per channel, a second
    /// apart: Slack allows about one message a second per channel (https://api.slack.com/apis/rate-limits).
    public var batchSize: Int { 200 }
    public var concurrentCalls: Int { 1 }
    public var callSpacing: Duration? { .milliseconds(1100) }
    /// Every call of an integration (posts, and the reads of validation and the selector) shares one request a second.
    public func makeBudget() -> RequestBudget { RequestBudget(limit: 1, window: 1) }
    public var finishesSetupByHand: Bool { false }
    public var testTypes: [String] { SlackSettings.NotificationType.allCases.map(\.rawValue) }

    public func credentials(from fields: [String: JSONValue]) -> Result<[String: String], FieldErrors> {
        var reader = SettingsReader(fields, prefix: "credentials/", allowed: ["bot_token"])
        let token = reader.string("bot_token", required: true)
        if let token, token.wholeMatch(of: /xoxb-[0-9A-Za-z-]{10,250}/) == nil {
            reader.fail(
                "bot_token",
                "must be a Slack bot token (xoxb-…): install the app to the workspace and copy its Bot User OAuth Token "
                    + "(an app with token rotation shows xoxe.xoxb-… tokens that expire in 12 hours: connect it with OAuth instead)"
            )
        }
        return reader.result(token.map { ["bot_token": $0] } ?? [:])
    }

    public func settings(from fields: [String: JSONValue]) -> Result<JSONValue, FieldErrors> {
        SlackSettings.read(fields)
    }

    public func missingSettings(_ settings: JSONValue) -> [String] {
        SlackSettings(settings).channelID == nil ? ["a channel"] : []
    }

    public func events(for settings: JSONValue) -> [OutboundEventType] {
        SlackSettings(settings).types.flatMap(\.events)
    }

    // MARK: - Validation

    public func validate(_ connection: ProviderConnection) async throws(ProviderFailure) -> ValidationFailure? {
        let client = client(connection)
        let pacing = ProviderHTTP.Pacing.of(connection)
        do {
            let scopes = try await client.scopes(pacing: pacing)
            // Slack names the token's scopes in `x-oauth-scopes`; without the header nothing is concluded about them.
            let missing = scopes.isEmpty ? [] : SlackAPI.requiredScopes.filter { !scopes.contains($0) }
            if !missing.isEmpty { return .missingPermissions(scopes: missing) }
            guard let channelID = SlackSettings(connection.settings).channelID else { return nil }
            let channel = try await client.channel(channelID, pacing: pacing)
            try? await connection.memory?.remember("#" + channel.name, for: "channel:\(channelID)")
            let name = "#" + channel.name
            if channel.isArchived { return .channelUnavailable(name: name, problem: .archived) }
            if channel.isPrivate, !scopes.isEmpty, !scopes.contains(SlackAPI.privateChannelScope) {
                return .missingPermissions(scopes: [SlackAPI.privateChannelScope])
            }
            // With chat:write.public the app posts to public channels it is not in.
            if !channel.isMember && (channel.isPrivate || !scopes.contains("chat:write.public")) {
                return .channelUnavailable(name: name, problem: .notInvited)
            }
            return nil
        } catch .refused(let failure) {
            return await named(failure, connection)
        }
    }

    /// A channel refusal with the channel's name as last seen (the channel may be gone), or its id.
    func named(_ failure: ValidationFailure, _ connection: ProviderConnection) async -> ValidationFailure {
        guard case .channelUnavailable(_, let problem) = failure, let channelID = SlackSettings(connection.settings).channelID else {
            return failure
        }
        let remembered = try? await connection.memory?.recall("channel:\(channelID)")
        return .channelUnavailable(name: remembered ?? channelID, problem: problem)
    }

    // MARK: - Selectors

    /// Every channel the app can post to or be invited to: public channels, and private ones it is in when it may
    /// read them (`groups:read`); all pages, so the selector refresh shows each one.
    public func options(_ connection: ProviderConnection) async throws(ProviderFailure) -> [String: [ProviderResource]] {
        let client = client(connection)
        let pacing = ProviderHTTP.Pacing.of(connection)
        let channels: [SlackClient.Channel]
        do {
            channels = try await client.channels(includePrivate: true, pacing: pacing)
        } catch .refused(.missingPermissions) {
            // Without groups:read, the public channels still.
            channels = try await client.channels(includePrivate: false, pacing: pacing)
        }
        return [
            "channel_id": channels.sorted { $0.name < $1.name }.map { ProviderResource(id: $0.id, name: ($0.isPrivate ? "🔒 " : "#") + $0.name) },
            "notification_types": SlackSettings.NotificationType.allCases.map { ProviderResource(id: $0.rawValue, name: $0.label) },
        ]
    }

    // MARK: - Delivery

    public func deliver(_ events: [OutboundEvent], over connection: ProviderConnection) async -> [ProviderFailure?] {
        guard let channelID = SlackSettings(connection.settings).channelID else {
            return events.map { _ in .invalid("no Slack channel is chosen") }
        }
        guard let digest = SlackNotifications.digest(events) else { return events.map { _ in nil } }
        do {
            let client = client(connection)
            _ = try await client.post(digest.message, to: channelID, pacing: .of(connection))
            await rememberName(of: channelID, with: client, connection)
            // What did not fit in this message goes in the next one: a wait, not a failure.
            return digest.carried.map { $0 ? nil : .throttled(retryAfter: 1) }
        } catch .refused(let failure) {
            let named = await named(failure, connection)
            return events.map { _ in .refused(named) }
        } catch {
            return events.map { _ in error }
        }
    }

    public func sendTest(_ type: String, over connection: ProviderConnection) async throws(ProviderFailure) -> String {
        guard let channelID = SlackSettings(connection.settings).channelID else {
            throw .invalid("choose a channel first: the test notification is posted there")
        }
        guard let notificationType = SlackSettings.NotificationType(rawValue: type) else { throw .invalid("unknown notification type \(type)") }
        do {
            let ts = try await client(connection).post(
                SlackNotifications.sample(notificationType, now: Date()),
                to: channelID,
                pacing: .of(connection)
            )
            let name = (try? await connection.memory?.recall("channel:\(channelID)")) ?? channelID
            return "Slack posted the test \(type) notification to \(name) (message \(ts))"
        } catch .refused(let failure) {
            throw .refused(await named(failure, connection))
        }
    }

    /// Keeps the channel's name (once per integration and channel), so that a later refusal can say "#launch" even
    /// when the channel is gone by then.
    func rememberName(of channelID: String, with client: SlackClient, _ connection: ProviderConnection) async {
        guard let memory = connection.memory, (try? await memory.recall("channel:\(channelID)")) == nil,
            let channel = try? await client.channel(channelID, pacing: .of(connection))
        else { return }
        try? await memory.remember("#" + channel.name, for: "channel:\(channelID)")
    }

    func client(_ connection: ProviderConnection) -> SlackClient {
        SlackClient(http: http, baseURL: baseURL, token: connection.credentials["bot_token"] ?? "")
    }
}

extension SlackSettings.NotificationType {
    /// As the notification selector shows it.
    var label: String {
        switch self {
        case .registration: "Registrations"
        case .attendance: "Attendance"
        case .broadcastSummary: "Post-broadcast summary"
        case .payment: "Payments"
        case .integrationAlert: "Integration alerts (another integration was paused)"
        }
    }
}
