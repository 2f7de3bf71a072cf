import SwitchboardDomain

/// A kind of integration as `GET /v1/providers` describes it.
public struct ProviderDescription: Sendable, Codable, Equatable {
    public var provider: String
    public var category: String
    public var displayName: String
    public var credentials: [String]
    public var settings: [String]
    public var events: [String]
    public var notificationTypes: [String]

    enum CodingKeys: String, CodingKey {
        case provider, category, credentials, settings, events
        case displayName = "display_name"
        case notificationTypes = "notification_types"
    }
}

/// The providers this build can connect. Adding a provider adds one line here.
public enum ProviderCatalogue {
    /// Every available provider.
    public static let all: [ProviderDescription] = [
        ProviderDescription(
            provider: "webhook",
            category: "Webhooks & Connectors",
            displayName: "Webhook",
            credentials: [],
            settings: ["url", "events"],
            events: OutboundEventType.allCases.map(\.rawValue),
            notificationTypes: []
        )
    ]

    /// The description of one provider, or nil.
    public static func provider(_ name: String) -> ProviderDescription? {
        all.first { $0.provider == name }
    }
}
