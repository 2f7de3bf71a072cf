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

/// The providers this process can connect — the webhook, which the engine delivers itself, and those the
/// executable registers (`SwitchboardProviders.catalogue`) — looked up by name and by capability.
public struct ProviderCatalogue: Sendable {
    /// The outbound webhook's catalogue entry.
    public static let webhook = WebhookProvider().description

    let providers: [String: any IntegrationProvider]

    /// A catalogue of the webhook and `providers` (by name; the first of a name wins).
    public init(_ providers: [any IntegrationProvider] = []) {
        self.providers = Dictionary(([WebhookProvider()] + providers).map { ($0.description.provider, $0) }) { first, _ in first }
    }

    /// What the engine can do with a provider's integrations, by the capabilities it has.
    public enum Capability: Sendable {
        /// Events are delivered as signed webhooks (the engine's own).
        case webhook
        /// The provider's API is connected with credentials and settings it validates; what else it can do
        /// (deliver events, offer options, resync, send tests) are the capability protocols it conforms to.
        case connected(any ConnectedProvider)
        /// A provider listed without a capability this engine can drive: its integrations cannot be created or
        /// changed here (a clear 409 unsupported_operation, never another provider's behaviour).
        case undriven(ProviderDescription)
    }

    /// The provider of this name, or nil.
    public func provider(_ name: String) -> (any IntegrationProvider)? {
        providers[name]
    }

    /// The capability of the provider of this name; nil when no such provider is listed.
    public func capability(of name: String) -> Capability? {
        guard let provider = providers[name] else { return nil }
        if provider is WebhookProvider { return .webhook }
        if let connected = provider as? any ConnectedProvider { return .connected(connected) }
        return .undriven(provider.description)
    }

    /// Every available provider, the webhook first, then by name.
    public var all: [ProviderDescription] {
        [Self.webhook] + providers.values.map(\.description).filter { $0.provider != Self.webhook.provider }.sorted { $0.provider < $1.provider }
    }

    /// Every available provider, in the order of `all`.
    public var providerList: [any IntegrationProvider] {
        all.compactMap { providers[$0.provider] }
    }

    /// The catalogue category of a provider ("CRM & Email Providers"), or nil when none of that name is listed.
    public func category(of provider: String) -> String? {
        providers[provider]?.description.category
    }

    /// The provider of this name with capability `C` (`any ContactSyncProvider`, `any SendsTests`…), or nil.
    public func provider<C>(_ name: String, as capability: C.Type) -> C? {
        providers[name] as? C
    }

    /// The names of the providers whose integrations connect to an API (and are validated), sorted.
    public var connectedNames: [String] {
        providers.filter { $0.value is any ConnectedProvider }.keys.sorted()
    }

    /// The display name of a provider ("HubSpot"), or the name itself.
    public func displayName(_ provider: String) -> String {
        all.first { $0.provider == provider }?.displayName ?? provider
    }
}
