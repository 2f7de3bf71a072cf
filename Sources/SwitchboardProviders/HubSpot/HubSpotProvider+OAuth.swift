import Foundation
import SwitchboardDomain
import SwitchboardEngine

/// HubSpot's OAuth 2 (authorization code, refresh tokens that last, access tokens of 30 minutes), when the operator
/// configured Switchboard's HubSpot app.
extension HubSpotProvider: ExpiringOAuth {

    /// HubSpot's consent page (the emulator's when the API URL is overridden).
    var authorizeURL: String {
        baseURL == HubSpotClient.defaultBaseURL ? "https://app.hubspot.com/oauth/authorize" : baseURL + "/oauth/authorize"
    }

    public func authorizationURL(state: String) -> String? {
        guard let oauth else { return nil }
        return ProviderHTTP.url(
            authorizeURL,
            query: [
                "client_id": oauth.clientID, "redirect_uri": oauth.redirectURI, "state": state,
                "scope": HubSpotValidation.requiredScopes(for: HubSpotSettings(listID: "any")).sorted().joined(separator: " "),
            ]
        )
    }

    public func exchange(code: String) async throws(ProviderFailure) -> [String: String] {
        try await grant(["grant_type": "authorization_code", "code": code])
    }

    /// `POST /oauth/2026-09/token`: access and refresh tokens; a refused code or refresh token is expired credentials.
    public func grant(_ grant: [String: String]) async throws(ProviderFailure) -> [String: String] {
        guard let oauth else { throw .refused(.expiredCredentials("HubSpot OAuth is no longer configured on this Switchboard")) }
        let fields = grant.merging(["client_id": oauth.clientID, "client_secret": oauth.clientSecret, "redirect_uri": oauth.redirectURI]) { a, _ in a
        }
        let answer = try await ProviderHTTP.postForm(http, baseURL + HubSpotAPI.oauthToken, fields, provider: "HubSpot")
        guard answer.succeeded, let access = answer.body?["access_token"] as? String, let refresh = answer.body?["refresh_token"] as? String else {
            if (400..<500).contains(answer.status) {
                let status = answer.body?["status"] as? String ?? "HTTP \(answer.status)"
                throw .refused(.expiredCredentials("HubSpot refused the OAuth grant (\(status))"))
            }
            throw .unavailable("HubSpot's token endpoint answered \(answer.status)")
        }
        let lifetime = (answer.body?["expires_in"] as? Int).map(TimeInterval.init) ?? 1800
        return ["access_token": access, "refresh_token": refresh, "expires_at": String(Int(Date().timeIntervalSince1970 + lifetime))]
    }
}
