import Hummingbird

/// Answers 405 with `Allow` when a request's path is a route but its method is not one of the route's (RFC 9110
/// §15.5.6), where Hummingbird's router answers 404. Added after every route, so that the router runs it for
/// unmatched requests only.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = SwitchboardRequestContext

    /// Each route's path, as segments (`nil` where a parameter matches any segment), with its methods.
    private let routes: [(segments: [String?], methods: [HTTPRequest.Method])]

    init(routes: [Router<Context>.RouteDescription]) {
        let byPath = Dictionary(grouping: routes, by: { $0.path.description })
        self.routes = byPath.map { path, routes in
            let segments = path.split(separator: "/").map { $0.hasPrefix(":") || $0.hasPrefix("{") || $0 == "*" ? nil : String($0) }
            return (segments, routes.map(\.method))
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let segments = request.uri.path.split(separator: "/")
        let allowed = routes.filter { route in
            route.segments.count == segments.count
                && zip(route.segments, segments).allSatisfy { pattern, segment in pattern.map { $0 == segment } ?? true }
        }.flatMap(\.methods)
        guard !allowed.isEmpty, !allowed.contains(request.method) else { return try await next(request, context) }
        var error = APIError(
            status: .methodNotAllowed,
            code: "method_not_allowed",
            title: "Method not allowed",
            detail: "\(request.uri.path) does not answer \(request.method.rawValue); see /openapi.json."
        )
        error.allow = Set(allowed.map(\.rawValue)).sorted()
        throw error
    }
}
