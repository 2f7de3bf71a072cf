import SwitchboardDomain

/// A provider that events reach (SPEC §1): each delivery of an integration of it is handed to `deliver`,
/// gathered with the integration's other due deliveries into one call (`ProviderSessions`), and recorded,
/// retried and paused by the engine as for webhooks.
public protocol EventDelivering: ConnectedProvider {
    /// The most events one `deliver` call takes.
    var batchSize: Int { get }
    /// How many calls may run at once for one integration (Mailchimp: 10 simultaneous connections).
    var concurrentCalls: Int { get }

    /// Carries the events to the provider. One result per event, in order (nil: done).
    func deliver(_ events: [OutboundEvent], over connection: ProviderConnection) async -> [ProviderFailure?]
}
