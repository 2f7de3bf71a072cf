import Hummingbird
import SwitchboardEngine
import SwitchboardHTTP

/// In front of every signed-in page: a browser without a live session goes to the sign-in page; a form post must
/// carry the session's CSRF token and come from a manager (members see everything, read only).
struct SessionMiddleware: RouterMiddleware {
    typealias Context = SwitchboardRequestContext
    let signIn: SignInService
    let pages: PageRenderer
    let cookies: SessionCookie

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = cookies.session(of: request), let session = try await signIn.session(token: token)
        else {
            let next = request.method == .get ? request.uri.path : "/settings/integrations"
            return PageRenderer.redirect("/sign-in?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
        }
        var context = context
        context.webSession = session
        context.logger[metadataKey: "workspace"] = "\(session.workspaceId)"
        // Reading is free; anything else (a POST today, any method tomorrow) needs the token and a manager.
        guard request.method != .get && request.method != .head else { return try await next(request, context) }

        var request = request
        let form = try await FormFields(posted: &request, context: context)
        guard SessionCookie.isValid(csrf: form["csrf"], session: token) else {
            return pages.message(
                status: .forbidden,
                title: "This form cannot be sent",
                text: "It did not carry this session's security token: it may be from an older page or another site. Nothing was changed. "
                    + "Reload the page and try again.",
                back: "/settings/integrations"
            )
        }
        guard session.role == .manager else {
            return pages.message(
                status: .forbidden,
                title: "Read only",
                text: "You are signed in as a member, who can see everything but change nothing. Ask a manager, or sign in with a manager key.",
                back: "/settings/integrations"
            )
        }
        return try await next(request, context)
    }
}
