import Foundation
import SwitchboardDomain
import SwitchboardEngine

/// Mailchimp's OAuth 2 (authorization code, tokens that never expire, the data centre from the metadata endpoint),
/// when the operator configured Switchboard's Mailchimp app.
extension MailchimpProvider: OAuthConnecting {

    /// Mailchimp's login host (the emulator when the API URL is overridden).
    var loginURL: String { baseURL ?? "https://login.mailchimp.com" }

    public func authorizationURL(state: String) -> String? {
        guard let oauth else { return nil }
        return ProviderHTTP.url(
            loginURL + "/oauth2/authorize",
            query: ["response_type": "code", "client_id": oauth.clientID, "redirect_uri": oauth.redirectURI, "state": state]
        )
    }

    /// Exchanges the code for a token (Mailchimp's never expire), then asks the metadata endpoint for the
    /// account's data centre and API endpoint.
    public func exchange(code: String) async throws(ProviderFailure) -> [String: String] {
        guard let oauth else { throw .invalid("Mailchimp OAuth is not configured") }
        let fields = [
            "grant_type": "authorization_code", "client_id": oauth.clientID, "client_secret": oauth.clientSecret,
            "redirect_uri": oauth.redirectURI, "code": code,
        ]
        let answer = try await ProviderHTTP.postForm(http, loginURL + "/oauth2/token", fields, provider: "Mailchimp")
        guard answer.succeeded, let token = answer.body?["access_token"] as? String else {
            if (400..<500).contains(answer.status) { throw .refused(.expiredCredentials("Mailchimp refused the authorization code")) }
            throw .unavailable("Mailchimp's token endpoint answered \(answer.status)")
        }
        let metadata = try await ProviderHTTP.call(
            http,
            .GET,
            loginURL + "/oauth2/metadata",
            authorization: "OAuth \(token)",
            json: nil,
            provider: "Mailchimp",
            pacing: nil
        )
        guard metadata.succeeded, let dc = metadata.body?["dc"] as? String, let endpoint = metadata.body?["api_endpoint"] as? String else {
            throw .unavailable("Mailchimp's metadata endpoint answered \(metadata.status)")
        }
        return ["access_token": token, "dc": dc, "api_endpoint": endpoint]
    }
}
