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
            events: OutboundEventType.allCases.map(\.rawValue)
        )
    }
}
