import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An in-process Slack Web API for tests and `switchboard demo`, as strict as Slack's reference where Switchboard
/// uses it (https://docs.slack.dev/apis/web-api/, the methods' pages, https://api.slack.com/apis/rate-limits):
/// methods at `/api/<method>`; the token as `Authorization: Bearer` or a form `token` field, never in the query
/// string; every refusal HTTP 200 with `{"ok": false, "error": …}`; 429 with `Retry-After` (whole seconds) and
/// `ratelimited` past each method's limit; the token's scopes in `x-oauth-scopes`; JSON bodies taken only by the
/// methods that accept them (auth.test, chat.postMessage), ignored by the others as Slack does.
public struct SlackEmulator: Sendable {
    public let state: SlackEmulatorState

    public init(state: SlackEmulatorState = SlackEmulatorState()) {
        self.state = state
    }

    /// Serves the emulator until `body` returns; `body` gets the base URL (use it as `SWITCHBOARD_SLACK_URL`).
    public func run<R: Sendable>(port: Int = 0, _ body: @Sendable (String) async throws -> R) async throws -> R {
        try await EmulatorServer(name: "slack", router: router()).run(port: port, body)
    }

    /// The methods that take `application/json` bodies (https://docs.slack.dev/apis/web-api/#json: "most write
    /// methods"; conversations.list "does not currently accept application/json").
    static let jsonMethods: Set<String> = ["auth.test", "chat.postMessage"]

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/oauth/v2/authorize") { request, _ in authorize(request) }
        router.get("/api/:method") { request, context in await call(request, method: context.parameters.get("method") ?? "") }
        router.post("/api/:method") { request, context in await call(request, method: context.parameters.get("method") ?? "") }
        return router
    }

    /// One Web API call: its arguments read as Slack reads them, then the method.
    func call(_ request: Request, method: String) async -> Response {
        let delay = state.workspace.withLock { workspace in
            workspace.calls[method, default: 0] += 1
            return workspace.latency[method]
        }
        if let delay { try? await Task.sleep(for: delay) }
        var arguments: [String: Any] = [:]
        for (name, value) in request.uri.queryParameters { arguments[String(name)] = String(value) }
        if request.method == .post {
            let type = request.headers[.contentType]?.lowercased() ?? ""
            let buffer = (try? await request.body.collect(upTo: 1 << 20)) ?? ByteBuffer()
            if buffer.readableBytes > 0 {
                if type.isEmpty { return Self.refusal("missing_post_type") }
                if type.hasPrefix("application/json") {
                    guard let parsed = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) else {
                        return Self.refusal("invalid_json")
                    }
                    guard let object = parsed as? [String: Any] else { return Self.refusal("json_not_object") }
                    // A token in the JSON body is not read; other methods ignore JSON arguments.
                    if Self.jsonMethods.contains(method) { arguments.merge(object.filter { $0.key != "token" }) { _, body in body } }
                } else if type.hasPrefix("application/x-www-form-urlencoded") {
                    for (name, value) in OAuthEmulation.formFields(String(decoding: buffer.readableBytesView, as: UTF8.self)) {
                        arguments[name] = value
                    }
                } else {
                    return Self.refusal("invalid_post_type")
                }
            }
        }
        if method == "oauth.v2.access" { return accessToken(request, arguments) }
        // Tokens may not travel in the query string (apps created since 2021).
        let queryToken = request.uri.queryParameters.get("token") != nil
        let bearer = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        let formToken = queryToken ? nil : arguments["token"] as? String
        guard let token = bearer ?? formToken, !queryToken else { return Self.refusal("not_authed") }
        let found = state.workspace.withLock { $0.tokens[token] }
        guard let found else { return Self.refusal("invalid_auth") }
        if found.revoked { return Self.refusal("token_revoked") }
        if found.inactive { return Self.refusal("account_inactive") }
        if let expires = found.expiresAt, expires <= Date() { return Self.refusal("token_expired") }
        if let limiter = state.methodLimiters[method], limiter.admit(token) == nil { return throttle(limiter.retryAfter(token)) }
        var answer: Response
        switch method {
        case "auth.test":
            answer = Self.ok([
                "url": "https://emulated.slack.com/", "team": "Emulated workspace", "user": "switchboard", "team_id": "T0EMULATED",
                "user_id": "U0SWITCHBD", "bot_id": "B0SWITCHBD", "is_enterprise_install": false,
            ])
        case "conversations.list": answer = SlackConversations.list(arguments, scopes: found.scopes, in: state)
        case "conversations.info": answer = SlackConversations.info(arguments, scopes: found.scopes, in: state)
        case "chat.postMessage":
            let channel = arguments["channel"] as? String ?? ""
            if !channel.isEmpty, state.postLimiter.admit(channel) == nil { return throttle(state.postLimiter.retryAfter(channel)) }
            answer = SlackMessages.post(arguments, scopes: found.scopes, in: state)
        default:
            answer = Self.refusal("unknown_method")
        }
        answer.headers[HTTPField.Name("x-oauth-scopes")!] = found.scopes.sorted().joined(separator: ",")
        return answer
    }

    /// HTTP 429 with `Retry-After` in whole seconds and Slack's `ratelimited` body.
    func throttle(_ retryAfter: Int) -> Response {
        state.workspace.withLock { $0.throttled += 1 }
        var response = Self.json(.tooManyRequests, ["ok": false, "error": "ratelimited"])
        response.headers[.retryAfter] = String(retryAfter)
        return response
    }

    static func ok(_ body: [String: Any]) -> Response {
        json(.ok, body.merging(["ok": true]) { _, ok in ok })
    }

    /// A refusal: HTTP 200, `ok: false`, the error code, and whatever else Slack adds (`needed`, `provided`, `errors`).
    static func refusal(_ error: String, _ extra: [String: Any] = [:]) -> Response {
        json(.ok, extra.merging(["ok": false, "error": error]) { _, fixed in fixed })
    }

    static func json(_ status: HTTPResponse.Status, _ body: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: body)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: - OAuth v2

    /// The consent page, granted at once: back to `redirect_uri` with a code (https://api.slack.com/authentication/oauth-v2).
    func authorize(_ request: Request) -> Response {
        let query = request.uri.queryParameters
        let clientID = query.get("client_id") ?? ""
        let redirectURI = query.get("redirect_uri") ?? ""
        let scopes = Set((query.get("scope") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        guard state.workspace.withLock({ $0.apps[clientID] != nil }), !redirectURI.isEmpty else {
            return Self.json(.badRequest, ["ok": false, "error": "invalid_client_id"])
        }
        guard !scopes.isEmpty else { return Self.json(.badRequest, ["ok": false, "error": "invalid_scope"]) }
        let code = OAuthEmulation.token()
        state.workspace.withLock { $0.codes[code] = (clientID, redirectURI, scopes, Date()) }
        return OAuthEmulation.redirect(to: redirectURI, code: code, state: query.get("state"))
    }

    /// `oauth.v2.access`: the app's id and secret by HTTP Basic or in the form; a code once, with the same redirect URI.
    func accessToken(_ request: Request, _ arguments: [String: Any]) -> Response {
        var clientID = arguments["client_id"] as? String
        var secret = arguments["client_secret"] as? String
        if let basic = request.headers[.authorization], basic.hasPrefix("Basic "),
            let decoded = Data(base64Encoded: String(basic.dropFirst(6))).map({ String(decoding: $0, as: UTF8.self) })
        {
            let parts = decoded.split(separator: ":", maxSplits: 1).map(String.init)
            if parts.count == 2 { (clientID, secret) = (parts[0], parts[1]) }
        }
        return state.workspace.withLock { workspace -> Response in
            guard let clientID, let known = workspace.apps[clientID] else { return Self.refusal("invalid_client_id") }
            guard known == secret else { return Self.refusal("bad_client_secret") }
            let scopes: Set<String>
            switch arguments["grant_type"] as? String ?? "authorization_code" {
            case "refresh_token":
                // A refresh token is good once (https://docs.slack.dev/authentication/using-token-rotation).
                guard let given = arguments["refresh_token"] as? String, let refresh = workspace.refreshTokens.removeValue(forKey: given),
                    refresh.clientID == clientID
                else { return Self.refusal("invalid_refresh_token") }
                scopes = refresh.scopes
            case "authorization_code":
                // Reuse of a code is answered as an unknown code (the reference does not say); codes last ten minutes
                // (https://api.slack.com/authentication/oauth-v2: "expire after ten minutes").
                guard let code = arguments["code"] as? String, let grant = workspace.codes.removeValue(forKey: code), grant.clientID == clientID,
                    Date().timeIntervalSince(grant.issuedAt) < 600
                else { return Self.refusal("invalid_code") }
                // "If you sent a redirect_uri … you must send that same field with the same value" (the same page).
                if arguments["redirect_uri"] as? String != grant.redirectURI { return Self.refusal("bad_redirect_uri") }
                scopes = grant.scopes
            default:
                return Self.refusal("invalid_grant_type")
            }
            let lifetime = workspace.rotating[clientID]
            // Rotating tokens are `xoxe.xoxb-…` and expire; the others never do.
            let token = (lifetime == nil ? "xoxb-" : "xoxe.xoxb-1-") + "1111111111-3333333333-" + OAuthEmulation.token().prefix(24)
            workspace.tokens[token] = SlackEmulatorState.Token(scopes: scopes, expiresAt: lifetime.map { Date().addingTimeInterval($0) })
            var body: [String: Any] = [
                "access_token": token, "token_type": "bot", "scope": scopes.sorted().joined(separator: ","), "bot_user_id": "U0SWITCHBD",
                "app_id": "A0SWITCHBD", "team": ["id": "T0EMULATED", "name": "Emulated workspace"], "enterprise": NSNull(),
                "is_enterprise_install": false, "authed_user": ["id": "U0MANAGER"],
            ]
            if let lifetime {
                let refresh = "xoxe-1-" + OAuthEmulation.token()
                workspace.refreshTokens[refresh] = SlackEmulatorState.Refresh(clientID: clientID, scopes: scopes)
                body["refresh_token"] = refresh
                body["expires_in"] = Int(lifetime)
            }
            return Self.ok(body)
        }
    }
}
