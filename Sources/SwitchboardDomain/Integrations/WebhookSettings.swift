/// The settings of a `webhook` integration: where to POST and which events to send.
public struct WebhookSettings: Codable, Sendable, Equatable {
    /// The receiver's URL: `https://` (plain `http://` only where the operator allows private targets).
    public var url: String
    /// The outbound event types this endpoint receives.
    public var events: [OutboundEventType]

    /// Settings as given.
    public init(url: String, events: [OutboundEventType]) {
        self.url = url
        self.events = events
    }
}
