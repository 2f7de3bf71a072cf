import Foundation
import Hummingbird
import SwitchboardDomain
import SwitchboardEngine

/// The browser's side of connecting through a provider's OAuth, with no API key: the sealed link and the cookie
/// say who it is. `GET /v1/oauth/start/{flow}` is the link `authorize` hands out: it binds the connection to the
/// browser that opens it first (an HttpOnly cookie) and redirects to the provider. `GET /v1/oauth/callback` is where
/// the provider sends that browser back with a code and the state. Both answer with a short page on failure.
public struct OAuthController: Sendable {
    let dependencies: AppDependencies

    func register(on router: Router<SwitchboardRequestContext>) {
        router.get("/v1/oauth/start/:flow", use: start)
        router.get("/v1/oauth/callback", use: callback)
    }

    /// The start link of a flow.
    public static func startURL(publicURL: String, flow: String) -> String {
        "\(publicURL)/v1/oauth/start/\(flow)"
    }

    /// The cookie that binds a flow to a browser: one per flow, so that two connections under way do not collide.
    static func cookieName(flow: String) -> String { "sb_oauth_" + flow }

    @Sendable func start(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let flow = try context.parameters.require("flow")
        do {
            let (url, secret) = try await dependencies.integrations.startAuthorization(
                flowID: flow,
                browserSecret: request.cookies[Self.cookieName(flow: flow)]?.value
            )
            var headers = HTTPFields()
            headers[.location] = url
            // Lax: sent on the provider's top-level redirect back to the callback, never on cross-site subrequests.
            let secure = dependencies.servedOverHTTPS
            let cookie = Cookie(
                name: Self.cookieName(flow: flow),
                value: secret,
                maxAge: Int(IntegrationService.authorizationLifetime),
                path: "/v1/oauth",
                secure: secure,
                httpOnly: true,
                sameSite: .lax
            )
            headers[.setCookie] = cookie.description
            headers[.cacheControl] = "no-store"
            return Response(status: .found, headers: headers)
        } catch {
            return Self.failure(error)
        }
    }

    @Sendable func callback(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        guard let state = query.get("state"), !state.isEmpty else {
            return Self.page(.badRequest, "Not connected", "The link is incomplete (it has no state). Start again from Switchboard.")
        }
        // The provider refused, or sent no code: the connection did not happen (a conflict with the flow, not a bad link).
        if let error = query.get("error") {
            return Self.page(.conflict, "Not connected", "The provider answered “\(error)”: nothing was changed. Start again from Switchboard.")
        }
        guard let code = query.get("code"), !code.isEmpty else {
            return Self.page(
                .conflict,
                "Not connected",
                "The provider sent no authorization code: nothing was changed. Start again from Switchboard."
            )
        }
        do {
            let integration = try await dependencies.integrations.completeAuthorization(
                state: state,
                code: code,
                browserSecret: request.cookies[Self.cookieName(flow: state)]?.value
            )
            let next =
                integration.status == .setupIncomplete
                ? (integration.statusDetail ?? "Choose the remaining settings and press Finish.") : "The new credentials are in use."
            var response = Self.page(
                .ok,
                "\(dependencies.catalogue.displayName(integration.provider)) connected",
                "“\(integration.label)” is authorized. \(next)",
                back: "/settings/integrations/\(integration.id)"
            )
            // The flow is used up: its cookie goes too.
            response.headers[.setCookie] =
                Cookie(name: Self.cookieName(flow: state), value: "", maxAge: 0, path: "/v1/oauth", httpOnly: true).description
            return response
        } catch {
            return Self.failure(error)
        }
    }

    private static func failure(_ error: any Error) -> Response {
        let problem = ProblemMiddleware.problem(for: error)
        return page(problem.status, "Not connected", problem.errors.first.map { "The \($0.field) \($0.message)." } ?? problem.detail)
    }

    /// A short page; `back` links to the integration in the web UI (a navigation from this page, so the browser's
    /// SameSite=Strict session goes with it, which the provider's redirect here did not carry).
    static func page(_ status: HTTPResponse.Status, _ title: String, _ text: String, back: String? = nil) -> Response {
        func escape(_ value: String) -> String {
            value.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(escape(title)) · Switchboard</title></head>
            <body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 4em auto"><h1>\(escape(title))</h1><p>\(escape(text))</p>
            <p>\(back.map { "<a href=\"\(escape($0))\">Back to the integration</a>" } ?? "You can close this tab and return to Switchboard.")</p></body></html>
            """
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
