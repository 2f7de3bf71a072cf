/// What the platform may report to `POST /v1/events` (SPEC §3).
public enum InboundEventType: String, Codable, Sendable, CaseIterable {
    case registrationCreated = "registration.created"
    case attendanceRecorded = "attendance.recorded"
    case broadcastEnded = "broadcast.ended"
    /// Switchboard's own: an integration of the workspace was paused (made from its notification, never accepted
    /// from the platform).
    case integrationPaused = "integration.paused"

    /// What the platform may send (`POST /v1/events`).
    public static let fromPlatform: [InboundEventType] = [.registrationCreated, .attendanceRecorded, .broadcastEnded]

    /// The outbound event that a delivery of this inbound event carries.
    public var outbound: OutboundEventType {
        switch self {
        case .registrationCreated: .registrationCreated
        case .attendanceRecorded: .attendanceRecorded
        case .broadcastEnded: .broadcastSummary
        case .integrationPaused: .integrationAlert
        }
    }
}

/// What integrations may subscribe to (webhook "Registered", "Attended", "Post-broadcast summary"; notification
/// providers' integration alerts).
public enum OutboundEventType: String, Codable, Sendable, CaseIterable {
    case registrationCreated = "registration.created"
    case attendanceRecorded = "attendance.recorded"
    case broadcastSummary = "broadcast.summary"
    /// Another integration of the workspace was paused: what and why (Slack's `integration_alert`).
    case integrationAlert = "integration.alert"

    /// The events a webhook may be sent (SPEC §3).
    public static let webhookEvents: [OutboundEventType] = [.registrationCreated, .attendanceRecorded, .broadcastSummary]
}
