import AsyncHTTPClient
import Foundation
import Logging
import SwitchboardDomain
import SwitchboardEmulators
import SwitchboardEngine
import SwitchboardProviders
import SwitchboardStore
import SwitchboardTestSupport
import Testing

/// Slack through the provider seam (issue 18): digests of live activity, every error to its documented state,
/// test notifications, the channel selector, integration alerts.
@Suite("Slack notifications")
struct SlackTests {
    /// A harness whose catalogue points Slack at `url`.
    static func withSlack<R: Sendable>(
        _ emulator: SlackEmulator,
        maxInFlightPerIntegration: Int = 16,
        _ body: @Sendable (EngineHarness, String) async throws -> R
    ) async throws -> R {
        try await emulator.run { url in
            try await withEngine(
                .sqlite,
                maxInFlightPerIntegration: maxInFlightPerIntegration,
                catalogue: { Providers.catalogue(http: $0, settings: .init(["SWITCHBOARD_SLACK_URL": url])) }
            ) { harness in try await body(harness, url) }
        }
    }

    /// Connects Slack with a bot token to a channel; the integration.
    static func connect(
        _ harness: EngineHarness,
        token: String,
        channel: String,
        types: [String] = ["registration", "attendance", "broadcast_summary", "integration_alert"],
        label: String = "Slack #launch"
    ) async throws -> Integration {
        try await harness.integrations.create(
            workspaceID: harness.workspace.id,
            provider: "slack",
            changes: .init(
                label: label,
                settings: ["channel_id": .string(channel), "notification_types": .array(types.map(JSONValue.string))],
                credentials: ["bot_token": .string(token)]
            )
        )
    }

    @Test(
        "a bot token and a channel make an active integration; registrations, attendance and the summary are posted with blocks and a text fallback"
    )
    func postsActivity() async throws {
        let emulator = SlackEmulator()
        let token = emulator.state.issueToken()
        let channel = emulator.state.createChannel(named: "launch")
        try await Self.withSlack(emulator) { harness, _ in
            let integration = try await Self.connect(harness, token: token, channel: channel)
            #expect(integration.status == .active)
            try await harness.ingest([
                Fixtures.registration("ada@example.com"), Fixtures.registration("grace@example.com"),
                Fixtures.attendance("ada@example.com", seconds: 2520),
            ])
            #expect(try await harness.settle())
            try await harness.ingest([Fixtures.ended()])
            #expect(try await harness.settle())
            let messages = emulator.state.messages(in: channel)
            let all = messages.map { $0.text + $0.blocksJSON }.joined()
            for email in ["ada@example.com", "grace@example.com"] { #expect(all.contains(email)) }
            #expect(all.contains("watched 42 min"))
            #expect(messages.last?.text.contains("has ended: 2 registrants, 1 attended (50 %)") == true)
            #expect(messages.allSatisfy { !$0.text.isEmpty && $0.blocksJSON.count > 2 })
            #expect(try await harness.deliveries(of: integration.id, .succeeded).count == 4)
        }
    }

    /// Each Slack refusal, how to cause it, and the state it must lead to (issue 18, "Errors").
    struct Refusal: Sendable, CustomTestStringConvertible {
        let error: String
        let reason: PauseReason
        let detail: String
        let cause: @Sendable (SlackEmulatorState, _ token: String, _ channel: String) -> Void
        var testDescription: String { error }
    }

    static let refusals: [Refusal] = [
        Refusal(error: "channel_not_found", reason: .channelUnavailable, detail: "the channel #launch no longer exists: choose another channel") {
            $0.delete($2)
        },
        Refusal(error: "not_in_channel", reason: .channelUnavailable, detail: "invite the app to #launch or choose another channel") {
            $0.removeApp(from: $2)
        },
        Refusal(error: "is_archived", reason: .channelUnavailable, detail: "the channel #launch is archived") { $0.archive($2) },
        Refusal(error: "token_revoked", reason: .expiredCredentials, detail: "Slack says token_revoked") { state, token, _ in state.revoke(token) },
        Refusal(error: "account_inactive", reason: .expiredCredentials, detail: "Slack says account_inactive") { state, token, _ in
            state.deactivate(token)
        },
    ]

    @Test("each Slack refusal pauses the integration with its reason, a detail that says what to do, and a notification", arguments: refusals)
    func refusalsPause(refusal: Refusal) async throws {
        let emulator = SlackEmulator()
        let token = emulator.state.issueToken()
        let channel = emulator.state.createChannel(named: "launch")
        try await Self.withSlack(emulator) { harness, _ in
            let integration = try await Self.connect(harness, token: token, channel: channel)
            // Delivered once, so the channel's name is remembered.
            try await harness.ingest([Fixtures.registration("ada@example.com")])
            #expect(try await harness.settle())
            refusal.cause(emulator.state, token, channel)
            try await harness.ingest([Fixtures.registration("grace@example.com")])
            #expect(try await harness.settle())
            let stored = try #require(try await harness.stored(integration.id))
            #expect(stored.status == .paused)
            #expect(stored.pauseReason == refusal.reason)
            #expect(stored.statusDetail?.contains(refusal.detail) == true, "\(stored.statusDetail ?? "")")
            let notices = try await harness.store.notifications(workspaceID: harness.workspace.id, limit: 10, cursor: nil).items
            #expect(notices.contains { $0.kind == "integration.paused" && $0.integrationId == integration.id })
        }
    }

    @Test("a token without chat:write is missing_permissions at save and when validation finds it")
    func missingScope() async throws {
        let emulator = SlackEmulator()
        let channel = emulator.state.createChannel(named: "launch")
        let readOnly = emulator.state.issueToken(scopes: ["channels:read"])
        try await Self.withSlack(emulator) { harness, _ in
            let integration = try await Self.connect(harness, token: readOnly, channel: channel)
            #expect(integration.status == .setupIncomplete)
            #expect(integration.statusDetail?.contains("lacks permissions (chat:write)") == true, "\(integration.statusDetail ?? "")")
            // A working integration whose app loses chat:write: Slack's missing_scope pauses it, naming the scope.
            let token = emulator.state.issueToken()
            let working = try await Self.connect(harness, token: token, channel: channel)
            #expect(working.status == .active)
            emulator.state.setScopes(["channels:read", "groups:read"], of: token)
            try await harness.ingest([Fixtures.registration("ada@example.com")])
            #expect(try await harness.settle())
            let stored = try #require(try await harness.stored(working.id))
            #expect(stored.pauseReason == .missingPermissions)
            #expect(stored.statusDetail?.contains("lacks permissions (chat:write)") == true, "\(stored.statusDetail ?? "")")
        }
    }

    @Test("Slack's 429 is waited out and the digest goes on: no failure, nothing lost")
    func rateLimitedWaits() async throws {
        // One post per 3 s per channel: the 1.1 s pacing meets 429s with Retry-After.
        let emulator = SlackEmulator(state: SlackEmulatorState(postsPerChannel: (1, 3)))
        let token = emulator.state.issueToken()
        let channel = emulator.state.createChannel(named: "launch")
        try await Self.withSlack(emulator) { harness, _ in
            let integration = try await Self.connect(harness, token: token, channel: channel)
            // The first registration posted, the others follow as one or more digests within Slack's 3 s window.
            try await harness.ingest([Fixtures.registration("person0@example.com")])
            let posted = ContinuousClock.now + .seconds(60)
            while emulator.state.messages(in: channel).isEmpty, ContinuousClock.now < posted { try await Task.sleep(for: .milliseconds(20)) }
            for index in 1..<4 {
                try await harness.ingest([Fixtures.registration("person\(index)@example.com")])
                try await Task.sleep(for: .milliseconds(400))
            }
            #expect(try await harness.settle(timeout: .seconds(60)))
            #expect(emulator.state.throttledCount > 0, "the test must meet Slack's limit")
            #expect(try await harness.deliveries(of: integration.id, .succeeded).count == 4)
            #expect(try await harness.deliveries(of: integration.id, .failed).isEmpty)
            let all = emulator.state.messages(in: channel).map(\.blocksJSON).joined()
            for index in 0..<4 { #expect(all.contains("person\(index)@example.com")) }
            #expect(try await harness.stored(integration.id)?.status == .active)
        }
    }

    @Test("5,000 registrations within ten seconds reach the channel as digests about a second apart: none lost, no 429")
    func burstBecomesDigests() async throws {
        let emulator = SlackEmulator()
        let token = emulator.state.issueToken()
        let channel = emulator.state.createChannel(named: "launch")
        try await Self.withSlack(emulator, maxInFlightPerIntegration: 64) { harness, _ in
            let integration = try await Self.connect(harness, token: token, channel: channel, types: ["registration"])
            let started = ContinuousClock.now
            // 500 a second for ten seconds: a burst far beyond Slack's message a second, spread enough not to starve
            // the suites that start beside it on a 2-core machine.
            for chunk in (0..<5000).map({ Fixtures.registration("r\($0)@example.com") }).chunked(into: 500) {
                try await harness.ingest(Array(chunk))
                try await Task.sleep(for: .seconds(1))
            }
            #expect(try await harness.settle(timeout: .seconds(240)))
            let elapsed = ContinuousClock.now - started
            let messages = emulator.state.messages(in: channel)
            let all = messages.map(\.blocksJSON).joined()
            let listed = (0..<5000).filter { all.contains("r\($0)@example.com") }.count
            #expect(listed == 5000, "every registrant is named in a digest")
            #expect(messages.count < 200, "digests, not a message each: \(messages.count)")
            #expect(emulator.state.throttledCount == 0)
            #expect(try await harness.deliveries(of: integration.id, .failed).isEmpty)
            Logger(label: "t").info("5,000 registrations: \(messages.count) messages in \(elapsed)")
        }
    }

    @Test("Send Test Notification posts a sample of every type at once; an unknown type is a field error")
    func testNotifications() async throws {
        let emulator = SlackEmulator()
        let token = emulator.state.issueToken()
        let channel = emulator.state.createChannel(named: "launch")
        try await Self.withSlack(emulator) { harness, _ in
            let integration = try await Self.connect(harness, token: token, channel: channel)
            for type in ["registration", "attendance", "broadcast_summary", "payment", "integration_alert"] {
                let outcome = try await harness.integrations.test(workspaceID: harness.workspace.id, id: integration.id, notificationType: type)
                #expect(outcome.succeeded, "\(type): \(outcome.errorMessage ?? "")")
                #expect(outcome.responseBody?.contains("posted the test \(type) notification") == true)
            }
            let messages = emulator.state.messages(in: channel)
            #expect(messages.count == 5)
            #expect(messages.allSatisfy { $0.text.hasPrefix("[Test]") && $0.blocksJSON.contains("A test notification sent from Switchboard") })
            await #expect(throws: IntegrationError.self) {
                try await harness.integrations.test(workspaceID: harness.workspace.id, id: integration.id, notificationType: "lunch")
            }
        }
    }

    @Test("the channel selector reads every page: public channels and the private ones the app is in, never archived ones")
    func channelPages() async throws {
        let emulator = SlackEmulator()
        let token = emulator.state.issueToken()
        for index in 0..<430 { emulator.state.createChannel(named: "public-\(index)") }
        for index in 0..<20 { emulator.state.createChannel(named: "private-\(index)", isPrivate: true, botIsMember: index < 15) }
        let archived = emulator.state.createChannel(named: "old")
        emulator.state.archive(archived)
        try await Self.withSlack(emulator) { harness, _ in
            let integration = try await Self.connect(harness, token: token, channel: emulator.state.createChannel(named: "launch"))
            let options = try await harness.integrations.options(workspaceID: harness.workspace.id, id: integration.id)
            let channels = try #require(options["channel_id"])
            #expect(channels.count == 431 + 15)
            #expect(!channels.contains { $0.id == archived })
            #expect(emulator.state.calls(of: "conversations.list") == 3, "pages of 200")
            #expect(options["notification_types"]?.map(\.id) == ["registration", "attendance", "broadcast_summary", "payment", "integration_alert"])
        }
    }

    @Test("another integration paused: the Slack integration that wants integration alerts posts what and why")
    func integrationAlert() async throws {
        let emulator = SlackEmulator()
        let token = emulator.state.issueToken()
        let alerts = emulator.state.createChannel(named: "alerts")
        let doomed = emulator.state.createChannel(named: "doomed")
        try await Self.withSlack(emulator) { harness, _ in
            _ = try await Self.connect(harness, token: token, channel: alerts, types: ["integration_alert"], label: "Alerts")
            let other = try await Self.connect(harness, token: token, channel: doomed, types: ["registration"], label: "Registrations feed")
            try await harness.ingest([Fixtures.registration("ada@example.com")])
            #expect(try await harness.settle())
            emulator.state.delete(doomed)
            try await harness.ingest([Fixtures.registration("grace@example.com")])
            #expect(try await harness.settle())
            #expect(try await harness.stored(other.id)?.status == .paused)
            let relay = AlertRelay(store: harness.store, localDispatch: harness.localDispatch, logger: Logger(label: "t"))
            #expect(await relay.relayPending() >= 1)
            #expect(await relay.relayPending() == 0, "relayed once")
            #expect(try await harness.settle())
            let posted = emulator.state.messages(in: alerts)
            #expect(posted.count == 1)
            #expect(posted.first?.text.contains("Registrations feed was paused") == true)
            #expect(posted.first?.blocksJSON.contains("#doomed no longer exists") == true, "\(posted.first?.blocksJSON ?? "")")
        }
    }

    @Test("OAuth v2: the consent link carries the bot scopes; the code gives a bot token that posts; a code is good once")
    func oauth() async throws {
        let emulator = SlackEmulator()
        emulator.state.registerApp(clientID: OAuthTests.app.id, secret: OAuthTests.app.secret)
        try await emulator.run { url in
            let app = OAuthApp(clientID: OAuthTests.app.id, clientSecret: OAuthTests.app.secret, redirectURI: OAuthTests.app.redirect)
            let provider = SlackProvider(http: .shared, baseURL: url, oauth: app)
            let link = try #require(provider.authorizationURL(state: "flow-1"))
            #expect(link.contains("scope=chat%3Awrite%2Cchannels%3Aread%2Cgroups%3Aread"))
            let (code, state) = try await OAuthTests.consent(link)
            #expect(state == "flow-1")
            let credentials = try await provider.exchange(code: code)
            #expect(credentials["bot_token"]?.hasPrefix("xoxb-") == true)
            await #expect(throws: ProviderFailure.refused(.expiredCredentials("Slack refused the OAuth grant (invalid_code)"))) {
                try await provider.exchange(code: code)
            }
        }
    }

    @Test("OAuth with token rotation: an expiring xoxe.xoxb- token and a refresh token; refreshed before it expires; a refresh token is good once")
    func tokenRotation() async throws {
        let emulator = SlackEmulator()
        emulator.state.registerApp(clientID: OAuthTests.app.id, secret: OAuthTests.app.secret, rotation: true)
        let channel = emulator.state.createChannel(named: "launch")
        try await emulator.run { url in
            let app = OAuthApp(clientID: OAuthTests.app.id, clientSecret: OAuthTests.app.secret, redirectURI: OAuthTests.app.redirect)
            let provider = SlackProvider(http: .shared, baseURL: url, oauth: app)
            let credentials = try await provider.exchange(
                code: try await OAuthTests.consent(try #require(provider.authorizationURL(state: "s"))).code
            )
            #expect(credentials["bot_token"]?.hasPrefix("xoxe.xoxb-") == true)
            #expect(credentials["refresh_token"] != nil)
            #expect(!provider.needsRefresh(credentials, now: Date()))
            #expect(provider.needsRefresh(credentials, now: Date().addingTimeInterval(12 * 3600)))
            func check(_ credentials: [String: String]) async throws -> ValidationFailure? {
                try await provider.validate(
                    ProviderConnection(
                        integrationID: "int_1",
                        credentials: credentials,
                        settings: ["channel_id": .string(channel)],
                        budget: .unlimited()
                    )
                )
            }
            #expect(try await check(credentials) == nil)
            emulator.state.expireRotatingTokens()
            #expect(try await check(credentials) == .expiredCredentials("Slack says token_expired"))
            let fresh = try await provider.refresh(credentials)
            #expect(fresh["bot_token"] != credentials["bot_token"])
            #expect(try await check(fresh) == nil)
            await #expect(throws: ProviderFailure.refused(.expiredCredentials("Slack refused the OAuth grant (invalid_refresh_token)"))) {
                try await provider.refresh(credentials)
            }
        }
    }
}
