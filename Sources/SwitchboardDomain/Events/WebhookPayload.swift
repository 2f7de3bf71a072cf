import Foundation

/// The body of an outbound webhook: `{"type", "timestamp", "data"}` (SPEC §3).
public enum WebhookPayload {
    /// The exact bytes sent: `{"data":…,"timestamp":…,"type":…}`, compact with sorted keys, as a JSON encoder writes
    /// the whole document; the same on every retry of a message, so signatures stay comparable.
    public static func body(type: OutboundEventType, occurredAt: Date, data: [String: JSONValue]) -> [UInt8] {
        guard let encoded = try? CompactJSON.encode(JSONValue.object(data)) else { return Array("{}".utf8) }
        return body(type: type, occurredAt: occurredAt, dataJSON: String(decoding: encoded, as: UTF8.self))
    }

    /// The same bytes around `dataJSON`: the data already encoded compactly with sorted keys and unescaped slashes,
    /// as the store keeps it. Bodies of a backlog are built from the store this way, without decoding and
    /// re-encoding each event's data.
    public static func body(type: OutboundEventType, occurredAt: Date, dataJSON: String) -> [UInt8] {
        // The keys in sorted order, as the encoder writes them; the two strings need no escaping.
        var body: [UInt8] = []
        body.reserveCapacity(dataJSON.utf8.count + 80)
        body += #"{"data":"#.utf8
        body += dataJSON.utf8
        body += #","timestamp":""#.utf8
        body += Timestamp.format(occurredAt).utf8
        body += #"","type":""#.utf8
        body += type.rawValue.utf8
        body += #""}"#.utf8
        return body
    }
}
