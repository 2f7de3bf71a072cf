import SwitchboardDomain

/// A kind of integration a workspace can connect, implemented by one folder of `SwitchboardProviders` (its API
/// client, mapping, validation and configuration), one of `SwitchboardEmulators` (its emulator), and listed by one
/// line of its catalogue.
///
/// What a provider can do are protocols refining this one (`Capabilities/`): `ConnectedProvider` (credentials,
/// settings, validation), `EventDelivering`, `OffersOptions`, `SendsTests`, `ContactSyncProvider` (contacts and
/// resync) and `OAuthConnecting`. The engine asks the catalogue for the capability it needs and refuses clearly
/// (409 `unsupported_operation`) when a provider lacks it. The outbound webhook is the engine's own
/// (`WebhookProvider`), listed like the others.
public protocol IntegrationProvider: Sendable {
    /// The catalogue entry (`GET /v1/providers`); `events` are the outbound events its integrations receive.
    var description: ProviderDescription { get }
    /// The JSON Schema of its settings object (`ProviderSchemas`); what is `required` is required when an
    /// integration is created.
    var settingsSchema: JSONValue { get }
    /// The JSON Schema of its credentials object; nil when it takes none.
    var credentialsSchema: JSONValue? { get }
}

extension IntegrationProvider {
    public var settingsSchema: JSONValue { ["type": "object"] }
    public var credentialsSchema: JSONValue? { nil }
}
