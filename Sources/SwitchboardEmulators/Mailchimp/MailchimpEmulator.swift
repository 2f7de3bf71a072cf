import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SwitchboardProviders

/// An in-process Mailchimp Marketing API 3.0 for tests and `switchboard demo`, faithful where Switchboard uses
/// it: API keys by HTTP Basic (or OAuth tokens as Bearer), problem-document errors (401 "API Key Invalid", 404
/// "Resource Not Found", 400 "Invalid Resource"), members by subscriber hash with merge fields, tags and events,
/// batch subscribe and tags as static segments (with batch add), and the limit of 10 simultaneous connections
/// per key (429 "Too Many Requests"; Mailchimp sends no rate headers).
public struct MailchimpEmulator: Sendable {
    public let state: MailchimpEmulatorState
    static let maximumConnections = 10

    public init(state: MailchimpEmulatorState = MailchimpEmulatorState()) {
        self.state = state
    }

    /// Serves the emulator until `body` returns; `body` gets the base URL (use it as `SWITCHBOARD_MAILCHIMP_URL`).
    public func run<R: Sendable>(port: Int = 0, _ body: @Sendable (String) async throws -> R) async throws -> R {
        try await EmulatorServer(name: "mailchimp", router: router()).run(port: port, body)
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        registerOAuth(on: router)
        router.get("/3.0/") { request, _ in
            await handle(request) { _, _ in .ok(["account_id": "emulated", "account_name": "Emulated account", "login_id": "1"]) }
        }
        router.get("/3.0/lists") { request, _ in
            await handle(request) { account, _ in
                let lists = account.audiences.values.filter { !$0.deleted }.sorted { $0.name < $1.name }.map(MailchimpAudiences.json)
                return .ok(["lists": lists, "total_items": lists.count])
            }
        }
        router.get("/3.0/lists/:list") { request, context in
            let list = context.parameters.get("list") ?? ""
            return await handle(request) { account, _ in
                MailchimpAudiences.audience(list, in: account).map { .ok(MailchimpAudiences.json($0)) } ?? .notFound
            }
        }
        router.post("/3.0/lists/:list") { request, context in
            let list = context.parameters.get("list") ?? ""
            return await handle(request) { account, body in MailchimpBatches.subscribe(body, list: list, in: &account) }
        }
        router.get("/3.0/lists/:list/segments") { request, context in
            let (list, query) = (context.parameters.get("list") ?? "", request.uri.queryParameters)
            let (type, count, offset) = (query.get("type"), query.get("count").flatMap { Int($0) }, query.get("offset").flatMap { Int($0) })
            return await handle(request) { account, _ in MailchimpBatches.segments(list, type: type, count: count, offset: offset, in: account) }
        }
        router.post("/3.0/lists/:list/segments") { request, context in
            let list = context.parameters.get("list") ?? ""
            return await handle(request) { account, body in MailchimpBatches.createSegment(body, list: list, in: &account) }
        }
        router.post("/3.0/lists/:list/segments/:segment") { request, context in
            let (list, segment) = (context.parameters.get("list") ?? "", context.parameters.get("segment") ?? "")
            return await handle(request) { account, body in MailchimpBatches.changeSegment(body, list: list, segment: segment, in: &account) }
        }
        router.get("/3.0/lists/:list/merge-fields") { request, context in
            let list = context.parameters.get("list") ?? ""
            let query = request.uri.queryParameters
            let (count, offset) = (query.get("count").flatMap { Int($0) }, query.get("offset").flatMap { Int($0) })
            return await handle(request) { account, _ in MailchimpAudiences.mergeFields(list, count: count, offset: offset, in: account) }
        }
        router.put("/3.0/lists/:list/members/:hash") { request, context in
            let (list, hash) = (context.parameters.get("list") ?? "", context.parameters.get("hash") ?? "")
            return await handle(request) { account, body in MailchimpAudiences.upsertMember(body, list: list, hash: hash, in: &account) }
        }
        router.post("/3.0/lists/:list/members/:hash/tags") { request, context in
            let (list, hash) = (context.parameters.get("list") ?? "", context.parameters.get("hash") ?? "")
            return await handle(request) { account, body in MailchimpAudiences.tag(body, list: list, hash: hash, in: &account) }
        }
        router.post("/3.0/lists/:list/members/:hash/events") { request, context in
            let (list, hash) = (context.parameters.get("list") ?? "", context.parameters.get("hash") ?? "")
            return await handle(request) { account, body in MailchimpAudiences.event(body, list: list, hash: hash, in: &account) }
        }
        return router
    }

    /// Authenticates (Basic with the key as password, or Bearer), holds one of the key's 10 connections for the
    /// length of the answer, and does the work on the account.
    private func handle(
        _ request: Request,
        _ work: @Sendable (inout MailchimpEmulatorState.Account, Any?) -> MailchimpReply
    ) async -> Response {
        let body = try? await EmulatorServer.json(request)
        let key = Self.key(request.headers[.authorization])
        let admitted = state.account.withLock { account -> Bool? in
            account.requests += 1
            guard let key, account.keys[key] == true else { return nil }
            let open = account.inFlight[key, default: 0]
            guard open < Self.maximumConnections else {
                account.tooManyConnections += 1
                return false
            }
            account.inFlight[key] = open + 1
            account.peakConcurrency = max(account.peakConcurrency, open + 1)
            return true
        }
        guard let admitted, let key else { return MailchimpReply.invalidKey.response() }
        guard admitted else { return MailchimpReply.tooManyConnections.response() }
        let delay = state.responseDelay.withLock { $0 }
        if delay > .zero { try? await Task.sleep(for: delay) }
        return state.account.withLock { account in
            account.inFlight[key, default: 1] -= 1
            if !account.failures.isEmpty {
                let status = account.failures.removeFirst()
                return MailchimpReply.error(status: status, title: "Service Unavailable", detail: "Please try again later.").response()
            }
            return work(&account, body).response()
        }
    }

    /// The API key or OAuth token of a request: `Basic base64(anyuser:key)` or `Bearer token`.
    static func key(_ authorization: String?) -> String? {
        guard let authorization else { return nil }
        if authorization.hasPrefix("Bearer ") { return String(authorization.dropFirst(7)) }
        guard authorization.hasPrefix("Basic "), let data = Data(base64Encoded: String(authorization.dropFirst(6))),
            let pair = String(data: data, encoding: .utf8), let colon = pair.firstIndex(of: ":")
        else { return nil }
        return String(pair[pair.index(after: colon)...])
    }

    /// Mailchimp's OAuth 2 endpoints (on login.mailchimp.com): the consent page (granted at once), the token
    /// exchange (tokens that never expire, usable as Bearer keys), and the metadata naming the data centre.
    private func registerOAuth(on router: Router<BasicRequestContext>) {
        router.get("/oauth2/authorize") { request, _ in
            let query = request.uri.queryParameters
            let (clientID, redirectURI) = (query.get("client_id") ?? "", query.get("redirect_uri") ?? "")
            let code = OAuthEmulation.token()
            let known = state.account.withLock { account in
                guard account.apps[clientID] != nil else { return false }
                account.codes[code] = (clientID, redirectURI)
                return true
            }
            guard known, !redirectURI.isEmpty else { return OAuthEmulation.json(.badRequest, ["error": "invalid_client"]) }
            return OAuthEmulation.redirect(to: redirectURI, code: code, state: query.get("state"))
        }
        router.post("/oauth2/token") { request, _ in
            let form = await OAuthEmulation.form(request)
            return state.account.withLock { account -> Response in
                guard let clientID = form["client_id"], account.apps[clientID] != nil, account.apps[clientID] == form["client_secret"] else {
                    return OAuthEmulation.json(.unauthorized, ["error": "invalid_client"])
                }
                guard form["grant_type"] == "authorization_code", let code = form["code"], let grant = account.codes.removeValue(forKey: code),
                    grant.clientID == clientID, grant.redirectURI == form["redirect_uri"]
                else { return OAuthEmulation.json(.badRequest, ["error": "invalid_grant"]) }
                let token = OAuthEmulation.token()
                account.keys[token] = true
                return OAuthEmulation.json(.ok, ["access_token": token, "expires_in": 0, "scope": NSNull()])
            }
        }
        router.get("/oauth2/metadata") { request, _ in
            let token = request.headers[.authorization].flatMap { $0.hasPrefix("OAuth ") ? String($0.dropFirst(6)) : nil } ?? ""
            guard state.account.withLock({ $0.keys[token] == true }) else { return OAuthEmulation.json(.unauthorized, ["error": "invalid_token"]) }
            let host = request.head.authority ?? "127.0.0.1"
            return OAuthEmulation.json(
                .ok,
                ["dc": "us6", "role": "owner", "accountname": "Emulated account", "login_url": "http://\(host)", "api_endpoint": "http://\(host)"]
            )
        }
    }
}
