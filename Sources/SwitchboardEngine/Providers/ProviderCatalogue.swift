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

    public init(
        provider: String,
        category: String,
        displayName: String,
        credentials: [String],
        settings: [String],
        events: [String],
        notificationTypes: [String] = []
    ) {
        self.provider = provider
        self.category = category
        self.displayName = displayName
        self.credentials = credentials
        self.settings = settings
        self.events = events
        self.notificationTypes = notificationTypes
    }

    enum CodingKeys: String, CodingKey {
        case provider, category, credentials, settings, events
        case displayName = "display_name"
        case notificationTypes = "notification_types"
    }
}

/// The providers this process can connect: webhooks, built into the engine, and the providers the executable
/// registers (`SwitchboardProviders.catalogue`), looked up by capability.
public struct ProviderCatalogue: Sendable {
    /// The outbound webhook, which the engine itself delivers.
    public static let webhook = ProviderDescription(
        provider: "webhook",
        category: "Webhooks & Connectors",
        displayName: "Webhook",
        credentials: [],
        settings: ["url", "events"],
        events: OutboundEventType.allCases.map(\.rawValue)
    )

    let providers: [String: any IntegrationProvider]

    /// A catalogue of webhooks and `providers` (by name; the first of a name wins).
    public init(_ providers: [any IntegrationProvider] = []) {
        self.providers = Dictionary(providers.map { ($0.description.provider, $0) }) { first, _ in first }
    }

    /// Every available provider, webhooks first, then by name.
    public var all: [ProviderDescription] {
        [Self.webhook] + providers.values.map(\.description).sorted { $0.provider < $1.provider }
    }

    /// The contact-sync provider of this name, or nil.
    public func contactSync(_ name: String) -> (any ContactSyncProvider)? {
        providers[name] as? any ContactSyncProvider
    }

    /// The names of the contact-sync providers, sorted.
    public var contactSyncNames: [String] {
        providers.filter { $0.value is any ContactSyncProvider }.keys.sorted()
    }

    /// The display name of a provider ("HubSpot"), or the name itself.
    public func displayName(_ provider: String) -> String {
        all.first { $0.provider == provider }?.displayName ?? provider
    }
}
