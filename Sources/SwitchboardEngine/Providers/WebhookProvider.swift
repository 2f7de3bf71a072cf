import SwitchboardDomain

/// The outbound webhook (SPEC §4–§6), a provider like the others in the catalogue: the engine itself delivers
/// it, as a signed POST of each event to the integration's URL (`IntegrationService+Webhook`, `WebhookSender`).
public struct WebhookProvider: IntegrationProvider {
    public init() {}

    public var description: ProviderDescription {
        ProviderDescription(
            provider: "webhook",
            category: "Webhooks & Connectors",
            displayName: "Webhook",
            credentials: [],
            settings: ["url", "events"],
            events: OutboundEventType.webhookEvents.map(\.rawValue)
        )
    }

    /// An https URL (the endpoint guard refuses other targets unless the operator allows private ones) and the
    /// event types to send.
    public var settingsSchema: JSONValue {
        ProviderSchemas.object(
            [
                // A host, no user name or password (`EndpointGuard.validateForm`).
                "url": ["type": "string", "format": "uri", "pattern": "^https://[^/?#@\\s]+([/?#]\\S*)?$"],
                "events": ProviderSchemas.selection(OutboundEventType.webhookEvents.map(\.rawValue)),
            ],
            required: ["url", "events"]
        )
    }
}
