import Foundation

/// What one HTTP attempt at a delivery came to, before it is recorded.
public struct AttemptOutcome: Sendable, Equatable {
    /// The class of a failure that produced no HTTP status.
    public enum ErrorClass: String, Codable, Sendable {
        case dns, connect, tls, timeout
        case refusedTarget = "refused_target"
        case io
    }

    /// When the attempt started.
    public var startedAt: Date
    /// How long it took, in milliseconds.
    public var durationMilliseconds: Int
    /// The HTTP status, when one was received.
    public var statusCode: Int?
    /// The first 1 KiB of the response body.
    public var responseBody: String?
    /// Set when no status was received, or the target was refused.
    public var errorClass: ErrorClass?
    /// A human explanation of the error.
    public var errorMessage: String?
    /// `Retry-After` of a 429 or 503, in seconds.
    public var retryAfter: TimeInterval?
    /// A provider asked to slow down: the delivery waits and is tried again; it is neither a failure of the
    /// delivery nor of the integration (a 429 storm only slows an integration down).
    public var throttled = false
    /// Set with `throttled` when the wait is long (a provider's daily quota is used up): the integration shows
    /// `failed_sync` with this detail until a delivery succeeds again.
    public var quotaDetail: String?
    /// A provider refused the credentials or the selection: the integration pauses with this reason.
    public var refusal: Refusal?
    /// The provider refused the data itself (a 400): the same request can never succeed, so no retry.
    public var permanent = false

    /// Why a provider refused an integration, as its pause reason and `status_detail`.
    public struct Refusal: Sendable, Equatable {
        public var reason: PauseReason
        public var detail: String

        public init(reason: PauseReason, detail: String) {
            self.reason = reason
            self.detail = detail
        }
    }

    /// An outcome; a sender fills in what it learnt.
    public init(
        startedAt: Date,
        durationMilliseconds: Int,
        statusCode: Int? = nil,
        responseBody: String? = nil,
        errorClass: ErrorClass? = nil,
        errorMessage: String? = nil,
        retryAfter: TimeInterval? = nil
    ) {
        self.startedAt = startedAt
        self.durationMilliseconds = durationMilliseconds
        self.statusCode = statusCode
        self.responseBody = responseBody
        self.errorClass = errorClass
        self.errorMessage = errorMessage
        self.retryAfter = retryAfter
    }

    /// Any 2xx is a success; redirects are not followed and count as failures.
    public var succeeded: Bool { statusCode.map { (200..<300).contains($0) } ?? false }

    /// 410 Gone: the receiver says the endpoint no longer exists, so retrying is pointless.
    public var endpointGone: Bool { statusCode == 410 }

    /// Neither success nor failure: the provider throttled, or refused the integration (which pauses).
    public var deferred: Bool { throttled || refusal != nil }

    /// A sentence for `status_detail` and the deliveries log.
    public var summary: String {
        if let refusal { return refusal.detail }
        if let statusCode, let errorMessage { return "\(errorMessage) (HTTP \(statusCode))" }
        if let statusCode { return "the endpoint answered HTTP \(statusCode)" }
        return errorMessage ?? "the attempt failed (\(errorClass?.rawValue ?? "unknown"))"
    }

    /// The longest response body kept per attempt (SPEC §5).
    public static let responseBodyLimit = 1024
}
