import AsyncHTTPClient
import Foundation
import HTTPTypes
import SwitchboardDomain
import SwitchboardEmulators
import SwitchboardEngine
import SwitchboardProviders
import SwitchboardTestSupport
import Testing

/// OAuth as a manager's browser goes through it: the start link, its cookie, the provider, the callback.
@Suite("OAuth in the browser")
struct OAuthAPITests {
    @Test("the authorize link binds the connection to the browser that opens it; the callback needs its cookie, and works once")
    func startLinkAndCookie() async throws {
        let emulator = HubSpotEmulator()
        emulator.state.registerApp(clientID: "switchboard-client", secret: "switchboard-secret")
        try await emulator.run { url in
            let oauth = OAuthApp(
                clientID: "switchboard-client",
                clientSecret: "switchboard-secret",
                redirectURI: "http://127.0.0.1:8080/v1/oauth/callback"
            )
            try await withAPI(
                .sqlite,
                catalogue: { Providers.catalogue(http: $0, settings: .emulated(["SWITCHBOARD_HUBSPOT_URL": url], oauth: oauth, as: "HUBSPOT")) }
            ) { api in
                let created = try await api.call(.post, "/v1/integrations", key: api.managerKey, json: #"{"provider":"hubspot","settings":{}}"#)
                let id = try #require(created.json["id"]?.stringValue)
                let authorize = try await api.call(.post, "/v1/integrations/\(id)/authorize", key: api.managerKey)
                let link = try #require(authorize.json["authorize_url"]?.stringValue)
                #expect(link.hasPrefix("http://127.0.0.1:8080/v1/oauth/start/"), "Switchboard's own link, not the provider's")
                let startPath = try #require(URL(string: link)?.path)

                let start = try await api.call(.get, startPath, key: nil)
                #expect(start.status == 302)
                let setCookie = try #require(start.headers[.setCookie])
                for attribute in ["sb_oauth_", "HttpOnly", "SameSite=Lax", "Path=/v1/oauth"] {
                    #expect(setCookie.localizedCaseInsensitiveContains(attribute), "\(setCookie)")
                }
                let cookie = String(setCookie.prefix { $0 != ";" })
                let providerURL = try #require(start.headers[.location])
                #expect(providerURL.hasPrefix(url))
                // The same link opened in a second browser (no cookie) is refused.
                let second = try await api.call(.get, startPath, key: nil)
                #expect(second.status == 409)
                #expect(second.text.contains("another browser"))

                let callback = try await Self.consent(providerURL)
                let withoutCookie = try await api.call(.get, callback, key: nil)
                #expect(withoutCookie.status == 409)
                #expect(withoutCookie.text.contains("another browser"))
                let connected = try await api.call(.get, callback, key: nil, headers: [.cookie: cookie])
                #expect(connected.status == 200, "\(connected.text)")
                #expect(connected.text.contains("HubSpot connected"))
                let replayed = try await api.call(.get, callback, key: nil, headers: [.cookie: cookie])
                #expect(replayed.status == 409)
                #expect(replayed.text.contains("already used"))
            }
        }
    }

    /// Follows the provider's consent URL up to its redirect; the path and query of the callback it names.
    static func consent(_ url: String) async throws -> String {
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        let answer = try? await client.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
        try await client.shutdown()
        let location = try #require(answer?.headers.first(name: "location"))
        let components = try #require(URLComponents(string: location))
        return components.path + "?" + (components.percentEncodedQuery ?? "")
    }
}
