import Foundation
import Hummingbird
import SwitchboardProviders

/// The emulator's OAuth 2 endpoints, as HubSpot's: the consent page (`/oauth/authorize`, granted at once),
/// the token endpoint (`POST /oauth/v1/token` and `/oauth/2026-09/token`, authorization_code and refresh_token grants, `BAD_AUTH_CODE`,
/// `BAD_REFRESH_TOKEN`, `BAD_CLIENT_ID`), and access-token information (`GET /oauth/v1/access-tokens/{token}`).
struct HubSpotOAuth {
    let state: HubSpotEmulatorState

    func register(on router: Router<BasicRequestContext>) {
        router.get("/oauth/authorize") { request, _ in
            let query = request.uri.queryParameters
            let clientID = query.get("client_id") ?? ""
            let redirectURI = query.get("redirect_uri") ?? ""
            let scopes = Set((query.get("scope") ?? "").split(separator: " ").map(String.init))
            let known = state.portal.withLock { $0.apps[clientID] != nil }
            guard known, !redirectURI.isEmpty else {
                return OAuthEmulation.json(.badRequest, ["status": "BAD_CLIENT_ID", "message": "missing or unknown client_id or redirect_uri"])
            }
            let code = OAuthEmulation.token()
            state.portal.withLock { $0.codes[code] = .init(clientID: clientID, redirectURI: redirectURI, scopes: scopes) }
            return OAuthEmulation.redirect(to: redirectURI, code: code, state: query.get("state"))
        }
        for path in ["/oauth/v1/token", "/oauth/\(HubSpotAPI.version)/token"] {
            router.post(RouterPath(path)) { request, _ in
                let form = await OAuthEmulation.form(request)
                return state.portal.withLock { portal -> Response in
                    guard let clientID = form["client_id"], portal.apps[clientID] == form["client_secret"], portal.apps[clientID] != nil else {
                        return OAuthEmulation.json(.badRequest, ["status": "BAD_CLIENT_ID", "message": "missing or unknown client_id"])
                    }
                    let grant: HubSpotEmulatorState.Grant
                    switch form["grant_type"] {
                    case "authorization_code":
                        guard let code = form["code"], let found = portal.codes.removeValue(forKey: code), found.clientID == clientID,
                            found.redirectURI == form["redirect_uri"]
                        else { return OAuthEmulation.json(.badRequest, ["status": "BAD_AUTH_CODE", "message": "missing or unknown auth code"]) }
                        grant = found
                    case "refresh_token":
                        guard let refresh = form["refresh_token"], let found = portal.refreshTokens[refresh], !found.revoked,
                            found.clientID == clientID
                        else {
                            return OAuthEmulation.json(.badRequest, ["status": "BAD_REFRESH_TOKEN", "message": "missing or unknown refresh token"])
                        }
                        grant = found
                    default:
                        return OAuthEmulation.json(
                            .badRequest,
                            ["status": "BAD_GRANT_TYPE", "message": "grant_type must be authorization_code or refresh_token"]
                        )
                    }
                    let refresh = form["refresh_token"] ?? OAuthEmulation.token()
                    portal.refreshTokens[refresh] = grant
                    let access = "oauth-" + OAuthEmulation.token()
                    let lifetime = portal.accessTokenLifetime
                    portal.tokens[access] = .init(scopes: grant.scopes, expiresAt: Date().addingTimeInterval(lifetime), kind: .oauth)
                    return OAuthEmulation.json(
                        .ok,
                        ["token_type": "bearer", "access_token": access, "refresh_token": refresh, "expires_in": Int(lifetime)]
                    )
                }
            }
        }
        // Token introspection (date-versioned, form-encoded, with the app's credentials): `active` and the scopes.
        router.post("/oauth/\(HubSpotAPI.version)/token/introspect") { request, _ in
            let form = await OAuthEmulation.form(request)
            return state.portal.withLock { portal -> Response in
                guard let clientID = form["client_id"], portal.apps[clientID] != nil, portal.apps[clientID] == form["client_secret"] else {
                    return OAuthEmulation.json(.unauthorized, ["status": "BAD_CLIENT_ID", "message": "missing or unknown client_id"])
                }
                guard let key = form["token"], let token = portal.tokens[key], !token.revoked, token.kind == .oauth, let expires = token.expiresAt,
                    expires > Date()
                else { return OAuthEmulation.json(.ok, ["active": false]) }
                return OAuthEmulation.json(
                    .ok,
                    [
                        "active": true, "scopes": token.scopes.sorted(), "hub_id": state.hubID, "client_id": clientID, "token_use": "access_token",
                        "expires_in": Int(expires.timeIntervalSinceNow),
                    ]
                )
            }
        }
        router.get("/oauth/v1/access-tokens/:token") { _, context in
            let key = context.parameters.get("token") ?? ""
            return state.portal.withLock { portal -> Response in
                guard let token = portal.tokens[key], !token.revoked, let expires = token.expiresAt, expires > Date() else {
                    return OAuthEmulation.json(.notFound, ["status": "error", "message": "The access token is invalid or expired"])
                }
                return OAuthEmulation.json(
                    .ok,
                    [
                        "token": key, "hub_id": state.hubID, "scopes": token.scopes.sorted(), "token_type": "access",
                        "expires_in": Int(expires.timeIntervalSinceNow),
                    ]
                )
            }
        }
    }
}
