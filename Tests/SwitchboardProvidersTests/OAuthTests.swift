import AsyncHTTPClient
import Foundation
import SwitchboardDomain
import SwitchboardEmulators
import SwitchboardProviders
import SwitchboardStore
import SwitchboardTestSupport
import Testing

@testable import SwitchboardEngine

/// Connecting through the providers' OAuth 2 authorization-code flow against the emulators: the consent
/// redirect, the code exchange, syncing with the token, refreshing it, and a refused refresh pausing.
@Suite("OAuth connections")
struct OAuthTests {
    static let app = (id: "switchboard-client", secret: "switchboard-secret", redirect: "https://switchboard.example/v1/oauth/callback")

    /// Follows the authorization URL as a browser would, up to the provider's redirect; returns code and state.
    static func consent(_ url: String) async throws -> (code: String, state: String) {
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        let answer = try? await client.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        try await client.shutdown()
        let response = try #require(answer)
        #expect(response.status == .found)
        let location = try #require(response.headers.first(name: "location"))
        #expect(location.hasPrefix(app.redirect))
        let items = URLComponents(string: location)?.queryItems ?? []
        return (try #require(items.first { $0.name == "code" }?.value), try #require(items.first { $0.name == "state" }?.value))
    }

    /// A manager starts connecting `id` and their browser opens the start link, then consents at the provider.
    static func authorize(_ harness: EngineHarness, _ id: String) async throws -> (code: String, state: String, browser: String) {
        let flow = try await harness.integrations.beginAuthorization(workspaceID: harness.workspace.id, id: id)
        let (url, browser) = try await harness.integrations.startAuthorization(flowID: flow, browserSecret: nil)
        let (code, state) = try await consent(url)
        #expect(state == flow, "the state the provider sends back is the flow's id")
        return (code, state, browser)
    }

    @Test("HubSpot: authorize, exchange, sync with the token, refresh it; an uninstalled app pauses with expired_credentials")
    func hubspot() async throws {
        let emulator = HubSpotEmulator()
        emulator.state.registerApp(clientID: Self.app.id, secret: Self.app.secret)
        // Every token is due for refresh at once (Switchboard refreshes 5 minutes ahead).
        emulator.state.setAccessTokenLifetime(60)
        try await emulator.run { url in
            let oauth = OAuthApp(clientID: Self.app.id, clientSecret: Self.app.secret, redirectURI: Self.app.redirect)
            try await withEngine(
                .sqlite,
                catalogue: { Providers.catalogue(http: $0, settings: .emulated(["SWITCHBOARD_HUBSPOT_URL": url], oauth: oauth, as: "HUBSPOT")) }
            ) {
                harness in
                let workspace = harness.workspace.id
                let created = try await harness.integrations.create(workspaceID: workspace, provider: "hubspot", changes: .init(settings: [:]))
                #expect(created.status == .setupIncomplete)
                #expect(created.statusDetail == "Setup is not finished: connect HubSpot, press Finish.")
                #expect(created.credentials == nil)

                let (code, state, browser) = try await Self.authorize(harness, created.id)
                let forged = await #expect(throws: IntegrationError.self) {
                    try await harness.integrations.completeAuthorization(state: state + "x", code: code, browserSecret: browser)
                }
                #expect(forged != nil)
                let authorized = try await harness.integrations.completeAuthorization(state: state, code: code, browserSecret: browser)
                #expect(authorized.statusDetail == "Setup is not finished: press Finish.")
                let id = try await harness.integrations.completeSetup(workspaceID: workspace, id: created.id).id

                try await harness.ingest([Self.registration("ada@example.com")])
                #expect(try await harness.settle())
                #expect(emulator.state.contactsByEmail["ada@example.com"] != nil)
                let stored = try #require(try await harness.store.integration(workspaceID: workspace, id: id))
                #expect(stored.credentials != authorized.credentials)  // refreshed and saved
                #expect(stored.credentials?.contains("oauth-") == false)  // sealed, never plain

                emulator.state.uninstallApps()
                try await harness.ingest([Self.registration("grace@example.com")])
                let deadline = ContinuousClock.now + .seconds(60)
                var paused: Integration?
                while ContinuousClock.now < deadline {
                    paused = try await harness.store.integration(workspaceID: workspace, id: id)
                    if paused?.status == .paused { break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(paused?.pauseReason == .expiredCredentials)
                #expect(paused?.statusDetail?.contains("BAD_REFRESH_TOKEN") == true)
            }
        }
    }

    @Test(
        "two processes refreshing one rotating Slack grant at once: one refresh wins, both use its tokens, nothing pauses",
        arguments: StoreEngine.allCases
    )
    func rotationRace(engine: StoreEngine) async throws {
        let emulator = SlackEmulator()
        emulator.state.registerApp(clientID: Self.app.id, secret: Self.app.secret, rotation: true)
        let channel = emulator.state.createChannel(named: "launch")
        try await emulator.run { url in
            let oauth = OAuthApp(clientID: Self.app.id, clientSecret: Self.app.secret, redirectURI: Self.app.redirect)
            try await withEngine(
                engine,
                catalogue: { Providers.catalogue(http: $0, settings: .emulated(["SWITCHBOARD_SLACK_URL": url], oauth: oauth, as: "SLACK")) }
            ) { harness in
                let workspace = harness.workspace.id
                let created = try await harness.integrations.create(
                    workspaceID: workspace,
                    provider: "slack",
                    changes: .init(settings: ["channel_id": .string(channel), "notification_types": .array([.string("registration")])])
                )
                let (code, state, browser) = try await Self.authorize(harness, created.id)
                _ = try await harness.integrations.completeAuthorization(state: state, code: code, browserSecret: browser)
                let stored = try #require(try await harness.store.integration(workspaceID: workspace, id: created.id))
                #expect(stored.status == .active)
                let provider = SlackProvider(http: .shared, baseURL: url, oauth: oauth)

                // The 12-hour token is due (it expires within five minutes), as saved.
                var issued = try stored.openCredentials(harness.secrets)
                issued["expires_at"] = String(Int(Date().timeIntervalSince1970) + 60)
                let due = try #require(stored.credentials)
                var snapshot = stored
                snapshot.credentials = stored.sealedCredentials(issued, with: harness.secrets)
                try #require(try await harness.store.updateCredentials(integrationID: stored.id, sealed: snapshot.credentials!, replacing: due))

                // Two processes (a sessions object each, one store) find it due at once. A refresh token is good once:
                // Slack answers the second refresh invalid_refresh_token. Slack is slowed so that both refreshes are
                // out before it answers either.
                emulator.state.slowDown("oauth.v2.access", by: .seconds(1))
                let (one, other) = (ProviderSessions(), ProviderSessions())
                async let first = one.connection(for: snapshot, provider: provider, secrets: harness.secrets, store: harness.store)
                async let second = other.connection(for: snapshot, provider: provider, secrets: harness.secrets, store: harness.store)
                // Neither throws: the process Slack refused does not pause the integration.
                let (a, b) = try await (first, second)
                #expect(emulator.state.calls(of: "oauth.v2.access") == 3, "the exchange, then both refreshes")
                #expect(a.credentials == b.credentials, "the refused process takes the tokens the other one saved")
                #expect(a.credentials["refresh_token"] != issued["refresh_token"])
                let saved = try #require(try await harness.store.integration(workspaceID: workspace, id: created.id))
                #expect(try saved.openCredentials(harness.secrets) == a.credentials)
                #expect(try await provider.validate(a) == nil, "the saved tokens work")
                emulator.state.slowDown("oauth.v2.access", by: .zero)

                // A third process still holding the old snapshot takes the saved tokens without asking Slack.
                let late = try await ProviderSessions().connection(for: snapshot, provider: provider, secrets: harness.secrets, store: harness.store)
                #expect(late.credentials == a.credentials)
                #expect(emulator.state.calls(of: "oauth.v2.access") == 3)

                // A reconnect's new credentials, due and not saved yet, are refreshed as they are: never swapped for the
                // stored ones, which stay as saved.
                var reconnect = try await provider.exchange(code: try await Self.consent(try #require(provider.authorizationURL(state: "s"))).code)
                reconnect["expires_at"] = String(Int(Date().timeIntervalSince1970) + 60)
                var candidate = saved
                candidate.credentials = saved.sealedCredentials(reconnect, with: harness.secrets)
                let checked = try await ProviderSessions().connection(
                    for: candidate,
                    provider: provider,
                    secrets: harness.secrets,
                    store: harness.store,
                    saved: false
                )
                #expect(checked.credentials["refresh_token"] != reconnect["refresh_token"], "refreshed")
                #expect(checked.credentials["refresh_token"] != a.credentials["refresh_token"], "from the reconnect's grant")
                #expect(try await harness.store.integration(workspaceID: workspace, id: created.id)?.credentials == saved.credentials)
            }
        }
    }

    @Test("Mailchimp: authorize, exchange, read the data centre, and sync with the token")
    func mailchimp() async throws {
        let emulator = MailchimpEmulator()
        emulator.state.registerApp(clientID: Self.app.id, secret: Self.app.secret)
        let audience = emulator.state.createAudience(named: "Webinars")
        try await emulator.run { url in
            let oauth = OAuthApp(clientID: Self.app.id, clientSecret: Self.app.secret, redirectURI: Self.app.redirect)
            try await withEngine(
                .sqlite,
                catalogue: { Providers.catalogue(http: $0, settings: .emulated(["SWITCHBOARD_MAILCHIMP_URL": url], oauth: oauth, as: "MAILCHIMP")) }
            ) {
                harness in
                let workspace = harness.workspace.id
                let created = try await harness.integrations.create(
                    workspaceID: workspace,
                    provider: "mailchimp",
                    changes: .init(settings: ["audience_id": .string(audience)])
                )
                let (code, state, browser) = try await Self.authorize(harness, created.id)
                _ = try await harness.integrations.completeAuthorization(state: state, code: code, browserSecret: browser)
                let id = try await harness.integrations.completeSetup(workspaceID: workspace, id: created.id).id
                let hints = harness.integrations.credentialHints(
                    of: try #require(try await harness.store.integration(workspaceID: workspace, id: id))
                )
                #expect(hints["dc"] != nil && hints["access_token"]?.contains("…") == true)
                try await harness.ingest([Self.registration("ada@example.com")])
                #expect(try await harness.settle())
                #expect(emulator.state.members(of: audience)["ada@example.com"]?.events == ["webinar_registered"])
            }
        }
    }

    @Test("a state is used once, from the browser that opened the link, before it expires", arguments: StoreEngine.allCases)
    func stateIsSingleUseAndBound(engine: StoreEngine) async throws {
        let emulator = HubSpotEmulator()
        emulator.state.registerApp(clientID: Self.app.id, secret: Self.app.secret)
        try await emulator.run { url in
            let oauth = OAuthApp(clientID: Self.app.id, clientSecret: Self.app.secret, redirectURI: Self.app.redirect)
            try await withEngine(
                engine,
                catalogue: { Providers.catalogue(http: $0, settings: .emulated(["SWITCHBOARD_HUBSPOT_URL": url], oauth: oauth, as: "HUBSPOT")) }
            ) {
                harness in
                let workspace = harness.workspace.id
                let created = try await harness.integrations.create(workspaceID: workspace, provider: "hubspot", changes: .init(settings: [:]))
                func refusal(_ attempt: () async throws -> Void) async -> String {
                    do {
                        try await attempt()
                        return "accepted"
                    } catch let IntegrationError.conflict(_, detail) {
                        return detail
                    } catch {
                        return "\(error)"
                    }
                }

                // Another browser opening the same link is refused; the first may open it again.
                let flow = try await harness.integrations.beginAuthorization(workspaceID: workspace, id: created.id)
                let (_, first) = try await harness.integrations.startAuthorization(flowID: flow, browserSecret: nil)
                #expect(
                    await refusal { _ = try await harness.integrations.startAuthorization(flowID: flow, browserSecret: nil) }.contains(
                        "another browser"
                    )
                )
                #expect(
                    await refusal { _ = try await harness.integrations.startAuthorization(flowID: flow, browserSecret: "guess") }.contains(
                        "another browser"
                    )
                )
                let (again, same) = try await harness.integrations.startAuthorization(flowID: flow, browserSecret: first)
                #expect(same == first)

                // A callback from another browser (no cookie, or another's) is refused and does not use the flow up.
                let (code, state) = try await Self.consent(again)
                for other in [nil, "guess"] as [String?] {
                    #expect(
                        await refusal { _ = try await harness.integrations.completeAuthorization(state: state, code: code, browserSecret: other) }
                            .contains("another browser")
                    )
                }
                // Expired: 15 minutes after it began.
                #expect(
                    await refusal {
                        _ = try await harness.integrations.completeAuthorization(
                            state: state,
                            code: code,
                            browserSecret: first,
                            now: Date().addingTimeInterval(16 * 60)
                        )
                    }.contains("expired")
                )
                let connected = try await harness.integrations.completeAuthorization(state: state, code: code, browserSecret: first)
                #expect(connected.credentials != nil)

                // Replayed after success, even by the same browser: refused, and the stored credentials stay.
                let (code2, _) = try await Self.consent(again)
                #expect(
                    await refusal { _ = try await harness.integrations.completeAuthorization(state: state, code: code2, browserSecret: first) }
                        .contains("already used")
                )
                #expect(
                    await refusal { _ = try await harness.integrations.startAuthorization(flowID: flow, browserSecret: first) }.contains(
                        "already used"
                    )
                )
                #expect(try await harness.store.integration(workspaceID: workspace, id: created.id)?.credentials == connected.credentials)
            }
        }
    }

    static func registration(_ email: String) -> InboundEvent {
        InboundEvent(
            type: .registrationCreated,
            idempotencyKey: "reg-\(email)",
            occurredAt: Date(),
            data: ["broadcast": .object(["id": "brd_1"]), "registrant": .object(["email": .string(email), "first_name": "Ada"])]
        )
    }
}
