import Hummingbird
import SwitchboardHTTP

/// A browser asking for an address that is no page (a mistyped link, an old bookmark) gets a page that says so and
/// leads back to Settings › Integrations; the API's paths, and clients that do not ask for HTML, keep the API's
/// problem document. Added after every route, so that the router runs it for unmatched requests only.
struct NotFoundPageMiddleware: RouterMiddleware {
    typealias Context = SwitchboardRequestContext
    let pages: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && Self.wantsPage(request) {
            return pages.message(
                status: .notFound,
                title: "Page not found",
                text: "There is no page at \(Self.shown(request.uri.path)). It may have moved, or the link may be mistyped.",
                back: "/settings/integrations"
            )
        } catch let error as APIError where error.status == .methodNotAllowed && Self.wantsPage(request) {
            // A form's address opened as a page (typed, bookmarked): the page says so, with the methods it takes.
            var response = pages.message(
                status: .methodNotAllowed,
                title: "Not a page",
                text: "\(Self.shown(request.uri.path)) is where a form is sent, not a page to open.",
                back: "/settings/integrations"
            )
            response.headers[.allow] = error.allow?.joined(separator: ", ")
            return response
        }
    }

    /// A path as a page names it: at most 200 characters.
    static func shown(_ path: String) -> String {
        path.count > 200 ? path.prefix(200) + "…" : path
    }

    /// A browser's navigation: GET or HEAD, outside the API, accepting HTML.
    static func wantsPage(_ request: Request) -> Bool {
        let path = request.uri.path
        guard request.method == .get || request.method == .head, path != "/v1", !path.hasPrefix("/v1/") else { return false }
        return request.headers[.accept]?.contains("text/html") == true
    }
}
