import Foundation
import SwitchboardDomain
import SwitchboardStore

/// Connecting a contact-sync integration through the provider's OAuth 2 authorization-code flow, when the
/// operator configured an OAuth app: `authorize` gives the URL to send the manager to; the provider sends the
/// browser back to `/v1/oauth/callback` with a code and the state, and `completeAuthorization` exchanges the
/// code for tokens, seals them, and validates. Refreshing expiring tokens is `ContactSyncSessions.connection`.
extension IntegrationService {
    /// How long a manager has to come back from the provider.
    static let authorizationLifetime: TimeInterval = 15 * 60

    /// What the sealed `state` is bound to, so that no other sealed value can pass for one.
    static let stateBinding = SecretBox.Binding(purpose: "oauth-state")

    /// The provider's authorization URL for this integration (managers only).
    public func authorizationURL(workspaceID: String, id: String, now: Date = Date()) async throws(IntegrationError) -> String {
        let integration = try await load(workspaceID: workspaceID, id: id)
        guard let provider = catalogue.contactSync(integration.provider) else {
            throw .unsupported("\(catalogue.displayName(integration.provider)) integrations are not connected with OAuth")
        }
        let expires = Timestamp.milliseconds(now.addingTimeInterval(Self.authorizationLifetime))
        // Sealed (so it cannot be forged or read), in base64url so that it survives any query-string handling.
        let state = String(secrets.seal("oauth|\(workspaceID)|\(id)|\(expires)", for: Self.stateBinding).dropFirst(3))
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        guard let url = provider.authorizationURL(state: state) else {
            throw .unsupported(
                "OAuth is not configured for \(provider.description.displayName): the operator sets "
                    + "SWITCHBOARD_\(provider.description.provider.uppercased())_CLIENT_ID and _CLIENT_SECRET; or give credentials instead."
            )
        }
        return url
    }

    /// The provider sent the manager back: exchanges the code, saves the sealed tokens and validates. A setup
    /// moves on (authorized); a running integration keeps running only if the new credentials pass.
    public func completeAuthorization(state: String, code: String, now: Date = Date()) async throws(IntegrationError) -> Integration {
        var base64 = state.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        let parts = (try? secrets.open("v2:" + base64, for: Self.stateBinding))?.split(separator: "|").map(String.init) ?? []
        guard parts.count == 4, parts[0] == "oauth", let expires = Int64(parts[3]) else {
            throw .invalid([FieldError(field: "state", message: "is not a state Switchboard issued")])
        }
        guard expires > Timestamp.milliseconds(now) else {
            throw .invalid([FieldError(field: "state", message: "has expired: start the connection again")])
        }
        var integration = try await load(workspaceID: parts[1], id: parts[2])
        let read = integration
        guard let provider = catalogue.contactSync(integration.provider) else { throw .unsupported("not an OAuth integration") }
        let credentials: [String: String]
        do {
            credentials = try await provider.exchange(code: code)
        } catch {
            try refuseUnlessPassed(Self.check(after: error), provider: provider)
            throw .providerUnavailable("\(provider.description.displayName) did not exchange the code")
        }
        integration.credentials = integration.sealedCredentials(credentials, with: secrets)
        let check = await storedCheck(integration, provider: provider)
        if integration.status == .setupIncomplete {
            recordSetup(check, finished: false, settings: try currentSettings(of: integration), provider: provider, in: &integration)
        } else {
            try refuseUnlessPassed(check, provider: provider)
        }
        integration.updatedAt = Timestamp.milliseconds(now)
        try await storeCall { [integration] in try await store.updateIntegration(integration, from: read) }
        return integration
    }
}
