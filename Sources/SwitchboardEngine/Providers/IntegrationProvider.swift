import SwitchboardDomain

/// A kind of integration a workspace can connect, implemented by one folder of `SwitchboardProviders` (its API
/// client, mapping, validation and emulator) and listed by one line of its catalogue.
///
/// Each capability of SPEC §1 is a protocol refining this one, and the engine asks the catalogue for providers
/// by capability: `ContactSyncProvider` (CRM & email tools) today. Notification (Slack), payment (Stripe) and
/// lead-source providers join as protocols beside it when they are built; the outbound webhook is the engine's
/// own (`ProviderCatalogue.webhook`).
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
