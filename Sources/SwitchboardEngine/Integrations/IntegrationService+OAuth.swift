import Foundation
import SwitchboardDomain
import SwitchboardStore

/// Connecting an integration through its provider's OAuth 2 authorization-code flow (`OAuthConnecting`), when the
/// operator configured an OAuth app, in three steps that each need what the one before handed out:
///
/// 1. `beginAuthorization` (a manager, through the API) stores a flow; its id is the `state` the provider will send
///    back. The manager gets Switchboard's own start link for it, not the provider's URL.
/// 2. `startAuthorization` (the browser opening that link) binds the flow to the first browser that opens it, with a
///    random secret kept in a cookie (only its hash is stored), and sends it on to the provider.
/// 3. `completeAuthorization` (the provider's redirect to `/v1/oauth/callback`) consumes the flow — once, from the
///    same browser, before it expires — exchanges the code, seals the tokens and validates.
///
/// So a link or a state seen by someone else (in a log, a screenshot, a shared screen) cannot be used to connect the
/// workspace to their own account. PKCE is not sent: neither HubSpot's nor Mailchimp's OAuth reference documents it
/// (docs/providers/hubspot.md, mailchimp.md). Refreshing expiring tokens is `ProviderSessions.connection`.
extension IntegrationService {
    /// How long a manager has to come back from the provider.
    public static let authorizationLifetime: TimeInterval = 15 * 60

    /// Stores a new flow for this integration (managers only); its id goes into the start link.
    public func beginAuthorization(workspaceID: String, id: String, now: Date = Date()) async throws(IntegrationError) -> String {
        let integration = try await load(workspaceID: workspaceID, id: id)
        _ = try oauthProvider(of: integration)
        let flow = OAuthFlow(
            id: SecretToken.make(bytes: 32),
            workspaceId: workspaceID,
            integrationId: id,
            createdAt: Timestamp.milliseconds(now),
            expiresAt: Timestamp.milliseconds(now.addingTimeInterval(Self.authorizationLifetime))
        )
        try await storeCall { try await store.insertOAuthFlow(flow) }
        return flow.id
    }

    /// The browser opened the start link: the first one to do so gets the flow (and a new `browserSecret` for its
    /// cookie); that browser may open it again with its secret, any other is refused. Answers the provider's URL.
    public func startAuthorization(
        flowID: String,
        browserSecret: String?,
        now: Date = Date()
    ) async throws(IntegrationError) -> (providerURL: String, browserSecret: String) {
        guard let flow = try await storeCall({ try await store.oauthFlow(id: flowID) }) else {
            throw Self.refusal("is not a connection Switchboard started")
        }
        try Self.checkUsable(flow, now: now)
        var secret = browserSecret ?? ""
        var bound = flow
        if flow.browserHash == nil {
            secret = SecretToken.make(bytes: 32)
            guard
                let claimed = try await storeCall({ [secret] in
                    try await store.claimOAuthFlow(id: flowID, browserHash: SecretToken.hash(secret), now: now)
                })
            else { throw Self.refusal("is not a connection Switchboard started") }
            bound = claimed
        }
        // Another browser opened the link first (or won the race to it).
        guard bound.browserHash == SecretToken.hash(secret) else {
            throw Self.refusal("was opened in another browser: start the connection again from Switchboard")
        }
        let integration = try await load(workspaceID: flow.workspaceId, id: flow.integrationId)
        let provider = try oauthProvider(of: integration)
        guard let url = provider.authorizationURL(state: flow.id) else { throw Self.notConfigured(provider) }
        return (url, secret)
    }

    /// The provider sent the browser back: consumes the flow, exchanges the code, saves the sealed tokens and
    /// validates. A setup moves on (authorized); a running integration keeps running only if the new credentials pass.
    public func completeAuthorization(
        state: String,
        code: String,
        browserSecret: String?,
        now: Date = Date()
    ) async throws(IntegrationError) -> Integration {
        let hash = SecretToken.hash(browserSecret ?? "")
        guard let flow = try await storeCall({ try await store.consumeOAuthFlow(id: state, browserHash: hash, now: now) }) else {
            // Why not, for the page the manager sees; nothing was changed either way.
            guard let flow = try await storeCall({ try await store.oauthFlow(id: state) }) else {
                throw Self.refusal("is not a connection Switchboard started")
            }
            try Self.checkUsable(flow, now: now)
            throw Self.refusal("belongs to a connection started in another browser: finish it there, or start again from Switchboard")
        }
        var integration = try await load(workspaceID: flow.workspaceId, id: flow.integrationId)
        let read = integration
        let oauth = try oauthProvider(of: integration)
        let credentials: [String: String]
        do {
            credentials = try await oauth.exchange(code: code)
        } catch {
            if case .refused(let failure) = error {
                throw .conflict(
                    reason: failure.pauseReason.rawValue,
                    detail: failure.detail(providerName: oauth.description.displayName, provider: oauth.description.provider)
                )
            }
            throw .providerUnavailable("\(oauth.description.displayName) did not exchange the code")
        }
        integration.credentials = integration.sealedCredentials(credentials, with: secrets)
        // What the new credentials must pass depends on what else the provider does.
        if case .connected(let provider) = try capability(of: integration) {
            let check = await storedCheck(integration, provider: provider, saved: false)
            if integration.status == .setupIncomplete {
                recordSetup(check, finished: false, settings: try currentSettings(of: integration), provider: provider, in: &integration)
            } else {
                try refuseUnlessPassed(check, provider: provider)
            }
        }
        integration.updatedAt = Timestamp.milliseconds(now)
        try await storeCall { [integration] in try await store.updateIntegration(integration, from: read) }
        return integration
    }

    /// The OAuth of an integration's provider, when it has the capability and the operator configured its app.
    private func oauthProvider(of integration: Integration) throws(IntegrationError) -> any OAuthConnecting {
        guard let provider = catalogue.provider(integration.provider), let oauth = provider as? any OAuthConnecting else {
            throw .unsupported("\(catalogue.displayName(integration.provider)) integrations are not connected with OAuth")
        }
        guard oauth.configuredOAuth != nil else { throw Self.notConfigured(oauth) }
        return oauth
    }

    private static func notConfigured(_ provider: any IntegrationProvider) -> IntegrationError {
        .unsupported(
            "OAuth is not configured for \(provider.description.displayName): the operator sets "
                + "SWITCHBOARD_\(provider.description.provider.uppercased())_CLIENT_ID and _CLIENT_SECRET; or give credentials instead."
        )
    }

    private static func checkUsable(_ flow: OAuthFlow, now: Date) throws(IntegrationError) {
        if flow.usedAt != nil { throw refusal("was already used: start the connection again from Switchboard") }
        if flow.expiresAt <= Timestamp.milliseconds(now) { throw refusal("has expired: start the connection again from Switchboard") }
    }

    /// A flow that cannot go on (unknown, another browser's, used, expired): a conflict with its state, not a
    /// malformed request.
    private static func refusal(_ message: String) -> IntegrationError {
        .conflict(reason: "oauth_flow_refused", detail: "The state \(message).")
    }
}
