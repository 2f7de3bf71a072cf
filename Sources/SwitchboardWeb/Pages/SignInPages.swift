import Foundation
import Hummingbird
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardHTTP
import SwitchboardStore

/// `/sign-in` and `/sign-out`. A person signs in with an API key, or with a one-time link
/// (`/sign-in?token=…`, printed by `switchboard demo` and `switchboard workspace sign-in-link`), which asks for a
/// click before it is used, so that a link preview cannot spend it. The sign-in form carries a token that must match
/// a SameSite=Strict cookie, so that another site cannot sign a browser in to a workspace of its choosing.
struct SignInPages {
    let signIn: SignInService
    let pages: PageRenderer
    let cookies: SessionCookie
    let throttle: SignInThrottle

    func register(on router: Router<SwitchboardRequestContext>) {
        router.get("/sign-in", use: show)
        router.post("/sign-in", use: submit)
        router.post("/sign-out", use: signOut)
    }

    struct SignInView {
        var title = "Sign in"
        var assets = Assets.version
        var token: String?
        var next: String
        var formToken: String
        var error: String?
        /// What a link signs in to: "Acme Webinars", "manager".
        var workspaceName: String? = nil
        var roleName: String? = nil
        /// The workspace this browser is signed in to now, which continuing would leave.
        var currentWorkspace: String? = nil
    }

    @Sendable func show(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let next = Self.safeNext(query.get("next"))
        var current: WebSession?
        if let cookie = cookies.session(of: request) { current = try await signIn.session(token: cookie) }
        guard let token = query.get("token"), !token.isEmpty else {
            if current != nil { return PageRenderer.redirect(next) }
            return signInPage(SignInView(token: nil, next: next, formToken: SecretToken.make(bytes: 18)))
        }
        // A link states where it signs in before it is used, so that nobody is signed in to a workspace unawares.
        var view = SignInView(token: token, next: next, formToken: SecretToken.make(bytes: 18))
        let client = SignInThrottle.client(context.remoteAddress)
        if let wait = throttle.admit(client) { return waiting(view, wait) }
        guard let target = try await signIn.target(of: token) else {
            view.token = nil
            view.error = Self.spentLink
            return signInPage(view, status: .unauthorized)
        }
        throttle.succeeded(client)
        view.workspaceName = target.workspaceName
        view.roleName = Self.roleName(target.role)
        if let current { view.currentWorkspace = try await signIn.workspaceName(current.workspaceId) }
        return signInPage(view)
    }

    @Sendable func submit(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        var request = request
        let form = try await FormFields(posted: &request, context: context)
        let next = Self.safeNext(form["next"])
        let token = form["token"].flatMap { $0.isEmpty ? nil : $0 }
        var view = SignInView(token: token, next: next, formToken: SecretToken.make(bytes: 18))
        let key = form["api_key"]?.trimmingCharacters(in: .whitespaces) ?? ""
        guard token != nil || !key.isEmpty else {
            view.error = "Enter an API key."
            return signInPage(view, status: .unauthorized)
        }
        // Every attempt that looks a key or link up is admitted first, and counts until it signs in.
        let client = SignInThrottle.client(context.remoteAddress)
        if let wait = throttle.admit(client) { return waiting(view, wait) }
        guard let expected = cookies.formToken(of: request), form["form_token"] == expected else {
            view.error = "This sign-in form has expired or came from another site. Try again."
            if let token, let target = try await signIn.target(of: token) {
                (view.workspaceName, view.roleName) = (target.workspaceName, Self.roleName(target.role))
                throttle.succeeded(client)
            } else {
                view.token = nil
                if token == nil { throttle.succeeded(client) }
            }
            return signInPage(view, status: .forbidden)
        }
        let signedIn: SignInService.SignedIn?
        if let token {
            signedIn = try await signIn.redeem(link: token)
            view.token = nil
            view.error = Self.spentLink
        } else {
            signedIn = try await signIn.signIn(apiKey: key)
            view.error = "This API key is not valid, or was revoked."
        }
        guard let signedIn else { return signInPage(view, status: .unauthorized) }
        throttle.succeeded(client)
        return PageRenderer.redirect(next, cookie: cookies.signIn(signedIn.token))
    }

    @Sendable func signOut(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        var request = request
        let form = try await FormFields(posted: &request, context: context)
        if let token = cookies.session(of: request) {
            // Another site cannot sign a person out: the form must carry the session's token.
            guard SessionCookie.isValid(csrf: form["csrf"], session: token) else {
                return pages.message(
                    status: .forbidden,
                    title: "Not signed out",
                    text: "The sign-out form did not carry this session's security token. Reload the page and try again.",
                    back: "/settings/integrations"
                )
            }
            try await signIn.signOut(token: token)
        }
        return PageRenderer.redirect("/sign-in", cookie: cookies.signOut())
    }

    /// The answer to a client that failed too often: when to try again (rounded up), with the API key form.
    private func waiting(_ view: SignInView, _ wait: Duration) -> Response {
        var view = view
        let seconds = max(1, Int((wait / .seconds(1)).rounded(.up)))
        view.token = nil
        view.error =
            "Too many failed sign-ins from this address. Try again in \(seconds == 1 ? "a second" : "\(seconds) seconds"); a sign-in link stays usable until it expires."
        var response = signInPage(view, status: .tooManyRequests)
        response.headers[.retryAfter] = String(seconds)
        return response
    }

    /// A role as the link page names it.
    static func roleName(_ role: APIKeyRole) -> String {
        role == .manager ? "manager" : "member (read only)"
    }

    static let spentLink =
        "This sign-in link is not valid: it was used already, has expired (links last an hour) or is mistyped. Ask for a new one, or sign in with an API key."

    /// The sign-in page, with a fresh form cookie matching its hidden field.
    private func signInPage(_ view: SignInView, status: HTTPResponse.Status = .ok) -> Response {
        var response = pages.page("sign-in", view, status: status)
        response.headers[.setCookie] = cookies.form(view.formToken).description
        return response
    }

    /// Where to go after signing in: a path of this site only (never `//elsewhere`), the integrations by default.
    static func safeNext(_ next: String?) -> String {
        // A path of plain characters only: no `//host`, no backslash, no tab or other character a browser would drop
        // (`/\t/evil.example` becomes `//evil.example`).
        guard let next, next.wholeMatch(of: /\/(?!\/)[A-Za-z0-9\/_.~%?=&-]*/) != nil, !next.hasPrefix("/sign-") else {
            return "/settings/integrations"
        }
        return next
    }
}
