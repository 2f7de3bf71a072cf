import Foundation
import Hummingbird
import SwitchboardDomain

/// The RFC 9457 body of every error response.
struct ProblemDocument: Encodable {
    let type: String
    let title: String
    let status: Int
    let detail: String
    let code: String
    let errors: [FieldError]?

    init(_ error: APIError) {
        type = "urn:switchboard:problem:\(error.code)"
        title = error.title
        status = Int(error.status.code)
        detail = error.detail
        code = error.code
        errors = error.errors.isEmpty ? nil : error.errors
    }

    /// The response carrying this document as `application/problem+json`.
    static func response(for error: APIError) -> Response {
        let body = (try? CompactJSON.encode(ProblemDocument(error))) ?? Data()
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfter = error.retryAfter { headers[.retryAfter] = String(retryAfter) }
        if let allow = error.allow { headers[.allow] = allow.joined(separator: ", ") }
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
