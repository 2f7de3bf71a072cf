import SwitchboardDomain
import SwitchboardStore

/// A delivery in the deliveries log, with its attempts when shown alone.
struct DeliveryResponse: Encodable {
    let delivery: Delivery
    let attempts: [Attempt]?

    enum CodingKeys: String, CodingKey {
        case id, status, attempts
        case integrationId = "integration_id"
        case eventId = "event_id"
        case eventType = "event_type"
        case attemptCount = "attempt_count"
        case nextAttemptAt = "next_attempt_at"
        case lastAttemptAt = "last_attempt_at"
        case lastStatusCode = "last_status_code"
        case lastError = "last_error"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(delivery.id, forKey: .id)
        try container.encode(delivery.integrationId, forKey: .integrationId)
        try container.encode(delivery.eventId, forKey: .eventId)
        try container.encode(delivery.eventType, forKey: .eventType)
        try container.encode(delivery.status, forKey: .status)
        try container.encode(delivery.attempts, forKey: .attemptCount)
        // While claimed, next_attempt_at holds the lease's end; it is shown only as a schedule.
        try container.encode(delivery.status == .pending ? delivery.nextAttemptAt.map(format) : nil, forKey: .nextAttemptAt)
        try container.encode(delivery.lastAttemptAt.map(format), forKey: .lastAttemptAt)
        try container.encode(delivery.lastStatusCode, forKey: .lastStatusCode)
        try container.encode(delivery.lastError, forKey: .lastError)
        try container.encode(format(delivery.createdAt), forKey: .createdAt)
        try container.encode(format(delivery.updatedAt), forKey: .updatedAt)
        if let attempts { try container.encode(attempts.map(AttemptResponse.init(attempt:)), forKey: .attempts) }
    }
}

/// One attempt: time, duration, status, the first 1 KiB of the body, and the error. A stored attempt
/// has an id; the immediate result of Test has none but says whether it succeeded.
struct AttemptResponse: Encodable {
    let id: String?
    let succeeded: Bool?
    let attemptedAt: String
    let durationMs: Int
    let statusCode: Int?
    let responseBody: String?
    let errorClass: String?
    let error: String?

    init(attempt: Attempt) {
        id = attempt.id
        succeeded = nil
        attemptedAt = format(attempt.attemptedAt)
        durationMs = attempt.durationMs
        statusCode = attempt.statusCode
        responseBody = attempt.responseBody
        errorClass = attempt.errorClass
        error = attempt.error
    }

    init(outcome: AttemptOutcome) {
        id = nil
        succeeded = outcome.succeeded
        attemptedAt = Timestamp.format(outcome.startedAt)
        durationMs = outcome.durationMilliseconds
        statusCode = outcome.statusCode
        responseBody = outcome.responseBody
        errorClass = outcome.errorClass?.rawValue
        error = outcome.errorMessage
    }

    enum CodingKeys: String, CodingKey {
        case id, succeeded, error
        case attemptedAt = "attempted_at"
        case durationMs = "duration_ms"
        case statusCode = "status_code"
        case responseBody = "response_body"
        case errorClass = "error_class"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encodeIfPresent(succeeded, forKey: .succeeded)
        try container.encode(attemptedAt, forKey: .attemptedAt)
        try container.encode(durationMs, forKey: .durationMs)
        try container.encode(statusCode, forKey: .statusCode)
        try container.encode(responseBody, forKey: .responseBody)
        try container.encode(errorClass, forKey: .errorClass)
        try container.encode(error, forKey: .error)
    }
}
