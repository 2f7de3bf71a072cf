import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SwitchboardProviders

/// An in-process HubSpot for tests and `switchboard demo`, faithful to the public API where Switchboard
/// uses it: the same paths and bodies, Bearer tokens with scopes (401 `INVALID_AUTHENTICATION`, 403
/// `MISSING_SCOPES`), 404 for deleted lists, and the private-app limit of 100 requests per rolling 10 s
/// per token (429 `RATE_LIMIT` / `TEN_SECONDLY_ROLLING`, with the `X-HubSpot-RateLimit-*` headers).
public struct HubSpotEmulator: Sendable {
    public let state: HubSpotEmulatorState
    let limiter: RollingWindowLimiter

    /// An emulator allowing `requestsPerWindow` per token in any rolling `window` (HubSpot: 100 per 10 s).
    public init(state: HubSpotEmulatorState = HubSpotEmulatorState(), requestsPerWindow: Int = 100, window: TimeInterval = 10) {
        self.state = state
        limiter = RollingWindowLimiter(limit: requestsPerWindow, window: window)
    }

    /// Serves the emulator until `body` returns; `body` gets the base URL (use it as `SWITCHBOARD_HUBSPOT_URL`).
    public func run<R: Sendable>(port: Int = 0, _ body: @Sendable (String) async throws -> R) async throws -> R {
        try await EmulatorServer(name: "hubspot", router: router()).run(port: port, body)
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        // Every route at its v3 path and at its date-versioned path (`HubSpotAPI.version`): clients of either
        // kind are served, as HubSpot serves both until v3 is retired.
        let version = HubSpotAPI.version
        for objects in ["/crm/v3/objects", "/crm/objects/\(version)"] {
            router.post("\(objects)/contacts/batch/upsert") { request, _ in
                await handle(request, scope: HubSpotScopes.contactsWrite) { portal, body in HubSpotContacts.batchUpsert(body, in: &portal) }
            }
            router.post("\(objects)/contacts/batch/read") { request, _ in
                await handle(request, scope: HubSpotScopes.contactsRead) { portal, body in HubSpotContacts.batchRead(body, in: portal) }
            }
        }
        for properties in ["/crm/v3/properties", "/crm/properties/\(version)"] {
            router.get("\(properties)/contacts") { request, _ in
                await handle(request, scope: HubSpotScopes.schemasRead) { portal, _ in
                    .ok(["results": portal.properties.values.sorted { $0.name < $1.name }.map(HubSpotContacts.json)])
                }
            }
        }
        for lists in ["/crm/v3/lists", "/crm/lists/\(version)"] {
            router.post("\(lists)/search") { request, _ in
                await handle(request, scope: HubSpotScopes.listsRead) { portal, body in
                    HubSpotLists.search(body, versioned: lists.contains(version), in: portal)
                }
            }
            router.get("\(lists)/:listId") { request, context in
                let listID = context.parameters.get("listId") ?? ""
                return await handle(request, scope: HubSpotScopes.listsRead) { portal, _ in HubSpotLists.get(listID, in: portal) }
            }
            router.put("\(lists)/:listId/memberships/add") { request, context in
                let listID = context.parameters.get("listId") ?? ""
                return await handle(request, scope: HubSpotScopes.listsWrite) { portal, body in HubSpotLists.add(body, to: listID, in: &portal) }
            }
        }
        for events in ["/marketing/v3/marketing-events", "/marketing/marketing-events/\(version)"] {
            router.post("\(events)/events") { request, _ in
                await handle(request, scope: HubSpotScopes.marketingEventsWrite) { portal, body in HubSpotMarketingEvents.create(body, in: &portal) }
            }
            router.put("\(events)/events/:externalEventId") { request, context in
                let eventID = context.parameters.get("externalEventId") ?? ""
                return await handle(request, scope: HubSpotScopes.marketingEventsWrite) { portal, body in
                    HubSpotMarketingEvents.upsert(body, eventID: eventID, in: &portal)
                }
            }
            router.post("\(events)/attendance/:externalEventId/:subscriberState/email-create") { request, context in
                let eventID = context.parameters.get("externalEventId") ?? ""
                let state = context.parameters.get("subscriberState") ?? ""
                let account = request.uri.queryParameters.get("externalAccountId") ?? ""
                return await handle(request, scope: HubSpotScopes.marketingEventsWrite) { portal, body in
                    HubSpotMarketingEvents.record(body, event: eventID, account: account, state: state, in: &portal)
                }
            }
        }
        HubSpotOAuth(state: state).register(on: router)
        router.post("/oauth/v2/private-apps/get/access-token-info") { request, _ in
            // The token is the body. Tokens of EU-hosted portals (`pat-eu1-`) are answered only with the same token as
            // Bearer header too (observed by HubSpot's users; the reference shows no header). Tokens other than
            // private-app ones are not known here (the endpoint is documented for legacy private apps).
            let body = try? await EmulatorServer.json(request)
            let key = (body as? [String: Any])?["tokenKey"] as? String ?? ""
            let bearer = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
            let token = state.portal.withLock {
                $0.requests += 1
                return $0.tokens[key]
            }
            guard let token, !token.revoked, token.kind == .privateApp, !key.hasPrefix("pat-eu1-") || bearer == key else {
                return HubSpotReply.unauthorized.response()
            }
            return HubSpotReply.ok(["hubId": state.hubID, "userId": 1, "appId": 7, "scopes": token.scopes.sorted()]).response()
        }
        return router
    }

    /// The common path of every authenticated call: count, authenticate, rate-limit, check the scope, fail
    /// when told to, then do the work on the portal.
    private func handle(
        _ request: Request,
        scope: String,
        _ work: @Sendable (inout HubSpotEmulatorState.Portal, Any?) -> HubSpotReply
    ) async -> Response {
        let body = try? await EmulatorServer.json(request)
        let bearer = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        let token: HubSpotEmulatorState.Token? = state.portal.withLock { portal in
            portal.requests += 1
            portal.requestsByPath[request.uri.path, default: 0] += 1
            return bearer.flatMap { portal.tokens[$0] }
        }
        guard let bearer, let token, !token.revoked else { return HubSpotReply.unauthorized.response() }
        if let expires = token.expiresAt, expires < Date() {
            return HubSpotReply.error(
                status: 401,
                category: "EXPIRED_AUTHENTICATION",
                message: "The OAuth token used to make this call expired \(Int(Date().timeIntervalSince(expires))) second(s) ago."
            ).response()
        }
        if token.userRemoved {
            // HubSpot names this case USER_DOES_NOT_HAVE_PERMISSIONS (private apps overview); the body follows its other errors.
            return HubSpotReply.error(
                status: 403,
                category: "USER_DOES_NOT_HAVE_PERMISSIONS",
                message: "The user who created this private app no longer has access to this HubSpot account."
            ).response()
        }
        if state.portal.withLock({ $0.dailyLimitReached }) {
            state.portal.withLock { $0.rateLimited += 1 }
            var headers = rateHeaders(remaining: limiter.limit)
            headers["X-HubSpot-RateLimit-Daily"] = "250000"
            headers["X-HubSpot-RateLimit-Daily-Remaining"] = "0"
            return HubSpotReply.dailyLimit.response(headers: headers)
        }
        guard let remaining = limiter.admit(bearer) else {
            state.portal.withLock { $0.rateLimited += 1 }
            return HubSpotReply.rateLimited.response(headers: rateHeaders(remaining: 0))
        }
        guard token.scopes.contains(scope) else { return HubSpotReply.missingScopes([scope]).response(headers: rateHeaders(remaining: remaining)) }
        let headers = rateHeaders(remaining: remaining)
        // The answer is rendered under the lock: the work's reply may carry parts of the request body.
        return state.portal.withLock { portal in
            if !portal.failures.isEmpty { return HubSpotReply.serverError(portal.failures.removeFirst()).response(headers: headers) }
            return work(&portal, body).response(headers: headers)
        }
    }

    private func rateHeaders(remaining: Int) -> [String: String] {
        [
            "X-HubSpot-RateLimit-Interval-Milliseconds": "\(Int(limiter.window * 1000))", "X-HubSpot-RateLimit-Max": "\(limiter.limit)",
            "X-HubSpot-RateLimit-Remaining": "\(remaining)",
        ]
    }
}
