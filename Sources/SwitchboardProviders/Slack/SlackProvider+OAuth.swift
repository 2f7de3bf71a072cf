import Foundation
import SwitchboardDomain
import SwitchboardEngine

/// Slack's OAuth v2 (https://api.slack.com/authentication/oauth-v2), when the operator configured Switchboard's Slack
/// app: the manager installs the app with the bot scopes, and `oauth.v2.access` gives a bot token. With token
/// rotation turned on for the app, the token expires and comes with a refresh token.
extension SlackProvider: ExpiringOAuth {
    /// Slack's consent page (the emulator's when the API URL is overridden).
    var authorizeURL: String { baseURL + SlackAPI.authorizePath }

    public func authorizationURL(state: String) -> String? {
        guard let oauth else { return nil }
        return ProviderHTTP.url(
            authorizeURL,
            query: ["client_id": oauth.clientID, "redirect_uri": oauth.redirectURI, "state": state, "scope": SlackAPI.scopes.joined(separator: ",")]
        )
    }

    /// With token rotation, a refresh "is then revoked, and a new refresh token is used" for the next one
    /// (https://docs.slack.dev/authentication/using-token-rotation).
    public var refreshTokensAreSingleUse: Bool { true }

    public func exchange(code: String) async throws(ProviderFailure) -> [String: String] {
        try await grant(["code": code, "redirect_uri": oauth?.redirectURI ?? ""])
    }

    /// `oauth.v2.access` (form-encoded, the app's id and secret in the body): a bot token; refused → expired credentials.
    public func grant(_ grant: [String: String]) async throws(ProviderFailure) -> [String: String] {
        guard let oauth else { throw .refused(.expiredCredentials("Slack OAuth is no longer configured on this Switchboard")) }
        let fields = grant.merging(["client_id": oauth.clientID, "client_secret": oauth.clientSecret]) { given, _ in given }
        let answer = try await ProviderHTTP.postForm(http, baseURL + "/api/" + SlackAPI.oauthAccess, fields, provider: "Slack")
        guard answer.status == 200, let body = answer.body else { throw .unavailable("Slack's oauth.v2.access answered HTTP \(answer.status)") }
        guard body["ok"] as? Bool == true, let access = body["access_token"] as? String else {
            let error = body["error"] as? String ?? "no access token"
            // A passing trouble (rate limit, an outage) is not a refused grant: the refresh is tried again.
            let failure = SlackClient.failure(.init(error: error, needed: nil))
            if failure.isPassing { throw failure }
            throw .refused(.expiredCredentials("Slack refused the OAuth grant (\(error))"))
        }
        var credentials = ["bot_token": access]
        if let refresh = body["refresh_token"] as? String, let lifetime = body["expires_in"] as? Int {
            credentials["refresh_token"] = refresh
            credentials["expires_at"] = String(Int(Date().timeIntervalSince1970) + lifetime)
        }
        return credentials
    }
}
