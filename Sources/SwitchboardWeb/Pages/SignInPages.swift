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
        guard let target = try await signIn.target(of: token) else {
            view.token = nil
            view.error = Self.spentLink
            return signInPage(view, status: .unauthorized)
        }
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
        guard let expected = cookies.formToken(of: request), form["form_token"] == expected else {
            view.error = "This sign-in form has expired or came from another site. Try again."
            if let token, let target = try await signIn.target(of: token) {
                (view.workspaceName, view.roleName) = (target.workspaceName, Self.roleName(target.role))
            } else {
                view.token = nil
            }
            return signInPage(view, status: .forbidden)
        }
        // An address that failed too often waits, whatever it sends now.
        let client = context.remoteAddress?.ipAddress ?? "unknown"
        if let wait = throttle.wait(for: client) {
            let seconds = Int(wait.components.seconds) + 1
            view.error = "Too many failed sign-ins from this address. Try again in \(seconds) seconds."
            var response = signInPage(view, status: .tooManyRequests)
            response.headers[.retryAfter] = String(seconds)
            return response
        }
        let signedIn: SignInService.SignedIn?
        if let token {
            signedIn = try await signIn.redeem(link: token)
            view.token = nil
            view.error = Self.spentLink
        } else {
            let key = form["api_key"]?.trimmingCharacters(in: .whitespaces) ?? ""
            signedIn = key.isEmpty ? nil : try await signIn.signIn(apiKey: key)
            view.error = key.isEmpty ? "Enter an API key." : "This API key is not valid, or was revoked."
        }
        guard let signedIn else {
            throttle.recordFailure(of: client)
            return signInPage(view, status: .unauthorized)
        }
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
