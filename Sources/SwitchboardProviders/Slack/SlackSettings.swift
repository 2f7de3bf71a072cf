import SwitchboardDomain
import SwitchboardEngine

/// A Slack integration's settings (SPEC §1): the channel to post to, and the notification types to send there.
struct SlackSettings: Equatable {
    /// What a manager may choose to be told about, and the outbound events each is made of.
    enum NotificationType: String, CaseIterable {
        case registration
        case attendance
        case broadcastSummary = "broadcast_summary"
        case payment
        case integrationAlert = "integration_alert"

        /// The events that make these notifications; payments are sent once payment events exist.
        var events: [OutboundEventType] {
            switch self {
            case .registration: [.registrationCreated]
            case .attendance: [.attendanceRecorded]
            case .broadcastSummary: [.broadcastSummary]
            case .payment: []
            case .integrationAlert: [.integrationAlert]
            }
        }
    }

    var channelID: String?
    var types: [NotificationType]

    static let allowed: Set<String> = ["channel_id", "notification_types"]

    init(channelID: String?, types: [NotificationType]) {
        self.channelID = channelID
        self.types = types
    }

    /// Reads settings as stored (already checked).
    init(_ settings: JSONValue) {
        channelID = settings["channel_id"]?.stringValue
        guard case .array(let items)? = settings["notification_types"] else {
            types = []
            return
        }
        types = items.compactMap { $0.stringValue.flatMap(NotificationType.init(rawValue:)) }
    }

    /// Checks settings a manager gave: a Slack channel id, and known notification types (all but payments when
    /// none are given).
    static func read(_ fields: [String: JSONValue]) -> Result<JSONValue, FieldErrors> {
        var reader = SettingsReader(fields, allowed: allowed)
        let channel = reader.string("channel_id")
        if let channel, !isChannelID(channel) {
            reader.fail("channel_id", "must be a Slack channel id such as C0123ABCD (choose one from the integration's options)")
        }
        var types: [NotificationType] = [.registration, .attendance, .broadcastSummary, .integrationAlert]
        if let given = fields["notification_types"], given != .null {
            let given = reader.strings("notification_types")
            let unknown = given.filter { NotificationType(rawValue: $0) == nil }
            if !unknown.isEmpty {
                reader.fail(
                    "notification_types",
                    "unknown: \(unknown.joined(separator: ", ")); expected some of \(NotificationType.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            } else if given.isEmpty {
                reader.fail("notification_types", "choose at least one notification type")
            } else if Set(given).count < given.count {
                reader.fail("notification_types", "names a type twice")
            }
            types = NotificationType.allCases.filter { given.contains($0.rawValue) }
        }
        guard reader.errors.isEmpty else { return .failure(FieldErrors(reader.errors)) }
        var settings: [String: JSONValue] = ["notification_types": .array(types.map { .string($0.rawValue) })]
        if let channel { settings["channel_id"] = .string(channel) }
        return .success(.object(settings))
    }

    /// Slack conversation ids: an upper-case letter (C public or private, G older private channels) and upper-case
    /// letters and digits.
    static func isChannelID(_ text: String) -> Bool {
        guard let first = text.first, "CG".contains(first), (9...20).contains(text.count) else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber) }
    }

    /// The JSON Schema of the settings.
    static var schema: JSONValue {
        ProviderSchemas.object(
            [
                "channel_id": ["type": "string", "pattern": "^[CG][A-Z0-9]{8,19}$", "description": "a channel from the integration's options"],
                "notification_types": ProviderSchemas.selection(NotificationType.allCases.map(\.rawValue)),
            ]
        )
    }
}
