/// What the platform may report to `POST /v1/events` (SPEC §3).
public enum InboundEventType: String, Codable, Sendable, CaseIterable {
    case registrationCreated = "registration.created"
    case attendanceRecorded = "attendance.recorded"
    case broadcastEnded = "broadcast.ended"

    /// The outbound event that a delivery of this inbound event carries.
    public var outbound: OutboundEventType {
        switch self {
        case .registrationCreated: .registrationCreated
        case .attendanceRecorded: .attendanceRecorded
        case .broadcastEnded: .broadcastSummary
        }
    }
}

/// What integrations may subscribe to (webhook "Registered", "Attended", "Post-broadcast summary").
public enum OutboundEventType: String, Codable, Sendable, CaseIterable {
    case registrationCreated = "registration.created"
    case attendanceRecorded = "attendance.recorded"
    case broadcastSummary = "broadcast.summary"
}
