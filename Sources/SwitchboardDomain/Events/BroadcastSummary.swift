/// The post-broadcast summary Switchboard computes when a broadcast ends (SPEC §3).
public struct BroadcastSummary: Sendable, Equatable {
    /// People registered for the broadcast.
    public var registrants: Int
    /// Registrants with recorded attendance.
    public var attendees: Int
    /// Total watch time of all attendees, in seconds.
    public var totalWatchSeconds: Int

    /// A summary of counts.
    public init(registrants: Int, attendees: Int, totalWatchSeconds: Int) {
        self.registrants = registrants
        self.attendees = attendees
        self.totalWatchSeconds = totalWatchSeconds
    }

    /// Attendees over registrants, rounded to 4 places; 0 when nobody registered.
    public var attendanceRate: Double {
        guard registrants > 0 else { return 0 }
        return (Double(attendees) / Double(registrants) * 10_000).rounded() / 10_000
    }

    /// Mean watch time per attendee, in whole seconds; 0 when nobody attended.
    public var averageWatchSeconds: Int {
        attendees > 0 ? Int((Double(totalWatchSeconds) / Double(attendees)).rounded()) : 0
    }

    /// The summary's fields as they appear in the `broadcast.summary` data.
    public var fields: [String: JSONValue] {
        [
            "registrants": .number(Double(registrants)),
            "attendees": .number(Double(attendees)),
            "attendance_rate": .number(attendanceRate),
            "average_watch_seconds": .number(Double(averageWatchSeconds)),
            "total_watch_seconds": .number(Double(totalWatchSeconds)),
        ]
    }
}
