import SwitchboardDomain

/// A provider that events reach (SPEC §1): each delivery of an integration of it is handed to `deliver`,
/// gathered with the integration's other due deliveries into one call (`ProviderSessions`), and recorded,
/// retried and paused by the engine as for webhooks.
public protocol EventDelivering: ConnectedProvider {
    /// The most events one `deliver` call takes.
    var batchSize: Int { get }
    /// How many calls may run at once for one integration (Mailchimp: 10 simultaneous connections).
    var concurrentCalls: Int { get }
    /// The least time between the starts of two calls for one integration, or nil. What arrives meanwhile goes in
    /// the next call: a provider that allows about one message a second (Slack, per channel) gets one digest a
    /// second instead of a queue of single messages.
    var callSpacing: Duration? { get }

    /// Carries the events to the provider. One result per event, in order (nil: done).
    func deliver(_ events: [OutboundEvent], over connection: ProviderConnection) async -> [ProviderFailure?]
}

extension EventDelivering {
    public var callSpacing: Duration? { nil }
}
