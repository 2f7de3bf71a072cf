import Hummingbird
import Logging
import SwitchboardHTTP

/// On the web UI's pages, an error nobody handled becomes a page that says so (not the API's problem document);
/// the details go to the log.
struct PageErrorMiddleware: RouterMiddleware {
    typealias Context = SwitchboardRequestContext
    let pages: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = APIError(explaining: error)
            if problem.status == .internalServerError {
                context.logger.error("page failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            }
            return pages.message(status: problem.status, title: problem.title, text: problem.detail, back: "/settings/integrations")
        }
    }
}
