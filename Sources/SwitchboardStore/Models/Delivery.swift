import SwitchboardDomain

/// One event on its way to one integration.
public struct Delivery: Codable, Sendable, Equatable {
    public var id: String
    public var workspaceId: String
    public var integrationId: String
    public var eventId: String
    public var eventType: OutboundEventType
    public var status: DeliveryStatus
    /// Attempts made in all.
    public var attempts: Int
    /// Failures since the last success or re-send: drives the retry schedule.
    public var consecutiveFailures: Int
    /// When a worker may take it next (while claimed: when the claim expires).
    public var nextAttemptAt: Int64?
    /// Set while a worker holds it; recording checks it so a stale worker cannot overwrite a newer claim.
    public var claimToken: String?
    public var createdAt: Int64
    public var updatedAt: Int64
    public var lastAttemptAt: Int64?
    public var lastStatusCode: Int?
    public var lastError: String?

    /// Column names, spelt out: cheaper than a key strategy on every row.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case workspaceId = "workspace_id"
        case integrationId = "integration_id"
        case eventId = "event_id"
        case eventType = "event_type"
        case status
        case attempts
        case consecutiveFailures = "consecutive_failures"
        case nextAttemptAt = "next_attempt_at"
        case claimToken = "claim_token"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case lastAttemptAt = "last_attempt_at"
        case lastStatusCode = "last_status_code"
        case lastError = "last_error"
    }
}

/// One HTTP attempt at a delivery.
public struct Attempt: Codable, Sendable, Equatable {
    public var id: String
    public var deliveryId: String
    public var workspaceId: String
    public var attemptedAt: Int64
    public var durationMs: Int
    public var statusCode: Int?
    public var responseBody: String?
    public var errorClass: String?
    public var error: String?

    /// Column names, spelt out: cheaper than a key strategy on every row.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case deliveryId = "delivery_id"
        case workspaceId = "workspace_id"
        case attemptedAt = "attempted_at"
        case durationMs = "duration_ms"
        case statusCode = "status_code"
        case responseBody = "response_body"
        case errorClass = "error_class"
        case error
    }
}
