import Hummingbird
import Logging
import NIOCore
import SwitchboardDomain
import SwitchboardEngine

/// The one place where errors become HTTP responses: every error, from any layer, leaves as a problem document.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = SwitchboardRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Self.problem(for: error)
            if problem.status == .internalServerError {
                logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            }
            return ProblemDocument.response(for: problem)
        }
    }

    static func problem(for error: any Error) -> APIError {
        switch error {
        case let error as APIError: return error
        case let error as IntegrationError:
            switch error {
            case .invalid(let fields): return .invalid(fields)
            case .notFound: return .notFound("integration")
            case .unsupported(let detail):
                // 409: the request is well formed; the integration's provider is what does not allow it.
                return APIError(status: .conflict, code: "unsupported_operation", title: "Unsupported", detail: detail)
            case .conflict(let code, let detail): return .conflict(code: code, detail: detail)
            case .providerUnavailable(let detail):
                return APIError(
                    status: .badGateway,
                    code: "provider_unavailable",
                    title: "Provider unavailable",
                    detail: detail + " Nothing was changed."
                )
            case .storeFailure: return .unexpected
            case .rateLimited(let detail, let retryAfter):
                return APIError(status: .tooManyRequests, code: "rate_limited", title: "Too many requests", detail: detail, retryAfter: retryAfter)
            }
        case let error as InvalidEvent: return .invalid(error.errors)
        case is NIOTooManyBytesError: return .payloadTooLarge
        case let error as HTTPError where error.status == .notFound:
            return APIError(status: .notFound, code: "route_not_found", title: "Not found", detail: "No such route; see /openapi.json.")
        case let error as HTTPError where error.status == .methodNotAllowed:
            return APIError(status: .methodNotAllowed, code: "method_not_allowed", title: "Method not allowed", detail: "See /openapi.json.")
        case let error as HTTPError where error.status == .contentTooLarge: return .payloadTooLarge
        default: return .unexpected
        }
    }
}
