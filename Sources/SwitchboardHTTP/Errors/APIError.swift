import Foundation
import HTTPTypes
import SwitchboardDomain

/// An API error, rendered as an RFC 9457 problem document with a stable `code`.
public struct APIError: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    /// Stable, machine-readable; also the last part of `type`.
    public var code: String
    public var title: String
    public var detail: String
    /// Per-field errors for invalid input.
    public var errors: [FieldError] = []
    /// Seconds, for 429/503.
    public var retryAfter: Int?
    /// The methods a path answers, for 405.
    public var allow: [String]?

    public static let unauthorized = APIError(
        status: .unauthorized,
        code: "unauthorized",
        title: "Unauthorized",
        detail: "Send a valid API key as 'Authorization: Bearer <key>'."
    )
    public static let forbidden = APIError(
        status: .forbidden,
        code: "forbidden",
        title: "Forbidden",
        detail: "This API key has the member role, which is read only; use a manager key."
    )
    public static let payloadTooLarge = APIError(
        status: .contentTooLarge,
        code: "payload_too_large",
        title: "Payload too large",
        detail: "The request body is larger than 1 MiB."
    )

    public static func notFound(_ what: String) -> APIError {
        APIError(status: .notFound, code: "not_found", title: "Not found", detail: "No \(what) with this id exists in this workspace.")
    }

    public static func invalid(_ errors: [FieldError], detail: String = "Some fields are invalid; nothing was changed.") -> APIError {
        APIError(status: .badRequest, code: "validation_failed", title: "Invalid request", detail: detail, errors: errors)
    }

    public static func malformed(_ detail: String) -> APIError {
        APIError(status: .badRequest, code: "malformed_request", title: "Malformed request", detail: detail)
    }

    public static func conflict(code: String, detail: String) -> APIError {
        APIError(status: .conflict, code: code, title: "Conflict", detail: detail)
    }

    public static let unexpected = APIError(
        status: .internalServerError,
        code: "internal_error",
        title: "Internal error",
        detail: "Switchboard could not complete the request; nothing was changed. Try again, and tell the operator if it persists."
    )
}

extension APIError {
    /// What any error means to the person who asked (`ProblemMiddleware`'s mapping): the API sends it as a problem
    /// document, the web UI shows it on the page.
    public init(explaining error: any Error) {
        self = ProblemMiddleware.problem(for: error)
    }
}
