import Hummingbird
import SwitchboardStore

/// Resolves `Authorization: Bearer <key>` to an API key; a missing or unknown key is 401.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = SwitchboardRequestContext
    let store: Store

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else { throw APIError.unauthorized }
        let token = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty, let key = try await store.authenticate(apiKey: token) else { throw APIError.unauthorized }
        var context = context
        context.apiKey = key
        context.logger[metadataKey: "workspace"] = "\(key.workspaceId)"
        return try await next(request, context)
    }
}
