import Foundation
import SwitchboardDomain

/// A provider managers may connect through its OAuth 2 authorization-code flow, when the operator configured
/// Switchboard's app there (`IntegrationService+OAuth`). A capability of its own: contact-sync providers have it
/// today, notification providers (Slack) will.
public protocol OAuthConnecting: IntegrationProvider {
    /// Where to send a manager to authorize Switchboard, or nil when the operator has not configured the app.
    func authorizationURL(state: String) -> String?
    /// Exchanges an authorization code for credentials (access and refresh tokens, and what else calls need).
    func exchange(code: String) async throws(ProviderFailure) -> [String: String]
    /// Whether these credentials hold an OAuth access token that expires soon.
    func needsRefresh(_ credentials: [String: String], now: Date) -> Bool
    /// Fresh credentials from the refresh token; one the provider refuses is `.refused(.expiredCredentials)`.
    func refresh(_ credentials: [String: String]) async throws(ProviderFailure) -> [String: String]
    /// Whether a refresh token is good once (Slack's token rotation): a refresh may then be refused because another
    /// process refreshed the same grant a moment before, not because the grant was revoked.
    var refreshTokensAreSingleUse: Bool { get }
}

extension OAuthConnecting {
    /// Tokens that never expire (Mailchimp's) need no refresh.
    public func needsRefresh(_ credentials: [String: String], now: Date) -> Bool { false }
    public func refresh(_ credentials: [String: String]) async throws(ProviderFailure) -> [String: String] { credentials }
    public var refreshTokensAreSingleUse: Bool { false }
}

/// OAuth whose access tokens expire and come with a refresh token (HubSpot's, Slack's with token rotation): the
/// credentials hold `refresh_token` and `expires_at` (Unix seconds), and are refreshed five minutes before they expire
/// with a `refresh_token` grant.
public protocol ExpiringOAuth: OAuthConnecting {
    /// Sends a grant (its fields: `grant_type`, `code` or `refresh_token`…) to the provider's token endpoint with the
    /// operator's app; returns the new credentials.
    func grant(_ fields: [String: String]) async throws(ProviderFailure) -> [String: String]
}

extension ExpiringOAuth {
    public func needsRefresh(_ credentials: [String: String], now: Date) -> Bool {
        guard credentials["refresh_token"] != nil, let expires = credentials["expires_at"].flatMap(TimeInterval.init) else { return false }
        return expires - 300 < now.timeIntervalSince1970
    }

    public func refresh(_ credentials: [String: String]) async throws(ProviderFailure) -> [String: String] {
        guard let refreshToken = credentials["refresh_token"] else { return credentials }
        return try await grant(["grant_type": "refresh_token", "refresh_token": refreshToken])
    }
}

extension IntegrationProvider {
    /// The provider's OAuth, when it has the capability and the operator configured its app; nil otherwise.
    public var configuredOAuth: (any OAuthConnecting)? {
        guard let oauth = self as? any OAuthConnecting, oauth.authorizationURL(state: "") != nil else { return nil }
        return oauth
    }
}
