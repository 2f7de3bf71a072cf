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
        if let attempts { try container.encode(attempts.map(AttemptResponse.init), forKey: .attempts) }
    }
}

/// One attempt: time, duration, status, the first 1 KiB of the body, and the error.
struct AttemptResponse: Encodable {
    let attempt: Attempt

    enum CodingKeys: String, CodingKey {
        case id, error
        case attemptedAt = "attempted_at"
        case durationMs = "duration_ms"
        case statusCode = "status_code"
        case responseBody = "response_body"
        case errorClass = "error_class"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(attempt.id, forKey: .id)
        try container.encode(format(attempt.attemptedAt), forKey: .attemptedAt)
        try container.encode(attempt.durationMs, forKey: .durationMs)
        try container.encode(attempt.statusCode, forKey: .statusCode)
        try container.encode(attempt.responseBody, forKey: .responseBody)
        try container.encode(attempt.errorClass, forKey: .errorClass)
        try container.encode(attempt.error, forKey: .error)
    }
}

/// The immediate result of Test: an attempt that is not stored.
struct TestAttemptResponse: Encodable {
    let outcome: AttemptOutcome

    enum CodingKeys: String, CodingKey {
        case succeeded, error
        case attemptedAt = "attempted_at"
        case durationMs = "duration_ms"
        case statusCode = "status_code"
        case responseBody = "response_body"
        case errorClass = "error_class"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(outcome.succeeded, forKey: .succeeded)
        try container.encode(Timestamp.format(outcome.startedAt), forKey: .attemptedAt)
        try container.encode(outcome.durationMilliseconds, forKey: .durationMs)
        try container.encode(outcome.statusCode, forKey: .statusCode)
        try container.encode(outcome.responseBody, forKey: .responseBody)
        try container.encode(outcome.errorClass?.rawValue, forKey: .errorClass)
        try container.encode(outcome.errorMessage, forKey: .error)
    }
}
