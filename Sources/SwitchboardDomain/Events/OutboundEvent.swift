import Foundation

/// An event as integrations receive it: its outbound type, when it happened, and its data — what a webhook body
/// (`WebhookPayload`) carries, and what providers are handed to deliver.
public struct OutboundEvent: Sendable, Equatable {
    public var type: OutboundEventType
    public var occurredAt: Date
    public var data: JSONValue

    public init(type: OutboundEventType, occurredAt: Date, data: JSONValue) {
        self.type = type
        self.occurredAt = occurredAt
        self.data = data
    }

    /// The event a webhook body describes (`{"type", "timestamp", "data"}`); nil when it is not one.
    public init?(payload: JSONValue) {
        guard let type = payload["type"]?.stringValue.flatMap(OutboundEventType.init(rawValue:)), let data = payload["data"] else {
            return nil
        }
        self.init(type: type, occurredAt: payload["timestamp"]?.stringValue.flatMap(Timestamp.parse) ?? Date(), data: data)
    }
}
