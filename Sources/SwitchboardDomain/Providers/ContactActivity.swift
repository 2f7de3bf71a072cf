import Foundation

/// A registrant as contact-sync providers receive it: the fields a CRM or email tool keeps.
public struct Contact: Sendable, Equatable {
    /// Lowercased.
    public var email: String
    public var firstName: String?
    public var lastName: String?
    public var company: String?
    /// The platform's custom registration fields (`registrant.custom_fields`), as text.
    public var customFields: [String: String]

    public init(email: String, firstName: String? = nil, lastName: String? = nil, company: String? = nil, customFields: [String: String] = [:]) {
        self.email = email.lowercased()
        self.firstName = firstName
        self.lastName = lastName
        self.company = company
        self.customFields = customFields
    }

    /// The contact of a `registrant` object of an event; nil without an email.
    public init?(registrant: JSONValue?) {
        guard let registrant, let email = registrant["email"]?.stringValue, !email.isEmpty else { return nil }
        var fields: [String: String] = [:]
        for (key, value) in registrant["custom_fields"]?.objectValue ?? [:] {
            switch value {
            case .string(let text): fields[key] = text
            case .number(let number): fields[key] = number.rounded() == number ? String(Int64(number)) : String(number)
            case .bool(let flag): fields[key] = String(flag)
            default: continue
            }
        }
        self.init(
            email: email,
            firstName: registrant["first_name"]?.stringValue,
            lastName: registrant["last_name"]?.stringValue,
            company: registrant["company"]?.stringValue,
            customFields: fields
        )
    }

    /// A registrant field by the name settings use to map it: `email`, `first_name`, `last_name`, `company`,
    /// or `custom_fields.<key>`.
    public func field(_ name: String) -> String? {
        switch name {
        case "email": email
        case "first_name": firstName
        case "last_name": lastName
        case "company": company
        default: name.hasPrefix("custom_fields.") ? customFields[String(name.dropFirst("custom_fields.".count))] : nil
        }
    }
}

/// The broadcast an activity belongs to.
public struct BroadcastReference: Sendable, Equatable, Hashable {
    public var id: String
    public var title: String?
    public var startsAt: Date?

    public init(id: String, title: String? = nil, startsAt: Date? = nil) {
        self.id = id
        self.title = title
        self.startsAt = startsAt
    }
}

/// Live activity for a contact-sync provider: someone registered for or attended a broadcast.
public struct ContactActivity: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case registered
        case attended(joinedAt: Date?, leftAt: Date?, watchSeconds: Int)
    }

    public var kind: Kind
    public var contact: Contact
    public var broadcast: BroadcastReference
    public var occurredAt: Date

    public init(kind: Kind, contact: Contact, broadcast: BroadcastReference, occurredAt: Date) {
        self.kind = kind
        self.contact = contact
        self.broadcast = broadcast
        self.occurredAt = occurredAt
    }

    /// The activity an outbound event describes; nil for events that are not about a contact (a broadcast
    /// summary) or that lack one.
    public init?(event: OutboundEvent) {
        let data = event.data
        guard let contact = Contact(registrant: data["registrant"]), let broadcastID = data["broadcast"]?["id"]?.stringValue else { return nil }
        let broadcast = BroadcastReference(
            id: broadcastID,
            title: data["broadcast"]?["title"]?.stringValue,
            startsAt: data["broadcast"]?["starts_at"]?.stringValue.flatMap(Timestamp.parse)
        )
        switch event.type {
        case .registrationCreated:
            self.init(kind: .registered, contact: contact, broadcast: broadcast, occurredAt: event.occurredAt)
        case .attendanceRecorded:
            let kind = Kind.attended(
                joinedAt: data["joined_at"]?.stringValue.flatMap(Timestamp.parse),
                leftAt: data["left_at"]?.stringValue.flatMap(Timestamp.parse),
                watchSeconds: Int(data["watch_seconds"]?.numberValue ?? 0)
            )
            self.init(kind: kind, contact: contact, broadcast: broadcast, occurredAt: event.occurredAt)
        default:
            return nil
        }
    }
}
