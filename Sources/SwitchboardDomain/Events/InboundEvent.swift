import Foundation

/// A validated event from the platform, ready to be stored and fanned out (SPEC §3).
public struct InboundEvent: Sendable, Equatable {
    /// What happened.
    public var type: InboundEventType
    /// Makes a retried POST a no-op; generated when the platform sends none.
    public var idempotencyKey: String
    /// When it happened (the time of receipt when not given).
    public var occurredAt: Date
    /// The event's data exactly as sent, unknown fields included.
    public var data: [String: JSONValue]

    /// The broadcast the event is about (`data.broadcast.id`).
    public var broadcastID: String { data["broadcast"]?["id"]?.stringValue ?? "" }

    /// The registrant's email, lowercased, for registrations and attendance.
    public var registrantEmail: String? { data["registrant"]?["email"]?.stringValue?.lowercased() }

    /// Validates one decoded JSON object; `path` prefixes field names in errors (e.g. `events/3`).
    public static func parse(_ json: JSONValue, receivedAt: Date, path: String = "") throws(InvalidEvent) -> InboundEvent {
        var errors: [FieldError] = []
        func fail(_ field: String, _ message: String) { errors.append(FieldError(field: path + field, message: message)) }

        guard let object = json.objectValue else {
            throw InvalidEvent(errors: [FieldError(field: path.isEmpty ? "/" : path, message: "must be a JSON object")])
        }
        let typeText = object["type"]?.stringValue
        let type = typeText.flatMap(InboundEventType.init(rawValue:)).flatMap { InboundEventType.fromPlatform.contains($0) ? $0 : nil }
        if typeText == nil {
            fail("type", "is required")
        } else if type == nil {
            fail("type", "unknown event type; expected one of \(InboundEventType.fromPlatform.map(\.rawValue).joined(separator: ", "))")
        }

        var occurredAt = receivedAt
        if let value = object["occurred_at"], value != .null {
            if let text = value.stringValue, let date = Timestamp.parse(text) {
                occurredAt = date
            } else {
                fail("occurred_at", "must be an RFC 3339 time")
            }
        }

        var idempotencyKey = Identifier.make("idem", at: receivedAt)
        if let value = object["idempotency_key"], value != .null {
            if let text = value.stringValue, !text.isEmpty, text.count <= 255 {
                idempotencyKey = text
            } else {
                fail("idempotency_key", "must be a string of 1 to 255 characters")
            }
        }

        let data = object["data"]?.objectValue
        if data == nil { fail("data", "is required and must be an object") }
        if let data {
            let broadcastID = data["broadcast"]?["id"]?.stringValue
            if broadcastID?.isEmpty ?? true { fail("data/broadcast/id", "is required") }
            if type == .registrationCreated || type == .attendanceRecorded {
                let email = data["registrant"]?["email"]?.stringValue
                if email == nil {
                    fail("data/registrant/email", "is required")
                } else if !EmailAddress.isValid(email!) {
                    fail("data/registrant/email", "is not a valid email address")
                }
            }
            if type == .attendanceRecorded, let seconds = data["watch_seconds"], seconds != .null, (seconds.numberValue ?? -1) < 0 {
                fail("data/watch_seconds", "must be a non-negative number")
            }
            // The fields Switchboard reads have the types SPEC §3 gives them (null: not given).
            func text(_ value: JSONValue?, _ field: String) {
                if let value, value != .null, value.stringValue == nil { fail(field, "must be a string") }
            }
            func time(_ value: JSONValue?, _ field: String) {
                if let value, value != .null, value.stringValue.flatMap(Timestamp.parse) == nil { fail(field, "must be an RFC 3339 time") }
            }
            text(data["broadcast"]?["title"], "data/broadcast/title")
            text(data["source"], "data/source")
            for name in ["starts_at", "ended_at"] { time(data["broadcast"]?[name], "data/broadcast/\(name)") }
            for name in ["first_name", "last_name", "company"] { text(data["registrant"]?[name], "data/registrant/\(name)") }
            if let fields = data["registrant"]?["custom_fields"], fields != .null {
                // Custom fields are flat: each a string, number, true/false or null (they become contact fields).
                let flat = fields.objectValue?.values.allSatisfy { value in
                    switch value {
                    case .object, .array: false
                    default: true
                    }
                }
                if flat != true { fail("data/registrant/custom_fields", "must be an object of strings, numbers, booleans or nulls") }
            }
            for name in ["joined_at", "left_at"] { time(data[name], "data/\(name)") }
        }

        guard errors.isEmpty, let type, let data else { throw InvalidEvent(errors: errors) }
        return InboundEvent(type: type, idempotencyKey: idempotencyKey, occurredAt: occurredAt, data: data)
    }

    /// An event as given.
    public init(type: InboundEventType, idempotencyKey: String, occurredAt: Date, data: [String: JSONValue]) {
        self.type = type
        self.idempotencyKey = idempotencyKey
        self.occurredAt = occurredAt
        self.data = data
    }
}

/// The reasons an inbound event was rejected, one per field.
public struct InvalidEvent: Error, Sendable, Equatable {
    /// The invalid fields.
    public var errors: [FieldError]
}
