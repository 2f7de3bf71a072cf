import SwitchboardProviders

/// The emulator's marketing events: events created or upserted by the integration, and participation states
/// recorded by email, which HubSpot shows on each contact's timeline.
enum HubSpotMarketingEvents {
    static let states: Set<String> = ["register", "attend", "cancel"]
    /// The fields HubSpot requires to create or upsert an event
    /// (https://developers.hubspot.com/docs/api-reference/latest/marketing/marketing-events/basic/upsert-event).
    static let required = ["externalEventId", "externalAccountId", "eventName", "eventOrganizer", "customProperties"]

    /// `POST …/marketing-events/events`: creates an event; the external ids must be new.
    static func create(_ body: Any?, in portal: inout HubSpotEmulatorState.Portal) -> HubSpotReply {
        guard let fields = body as? [String: Any], let eventID = fields["externalEventId"] as? String else { return missingFields(body) }
        if let refusal = check(fields) { return refusal }
        guard portal.events[eventID] == nil else {
            return .error(status: 409, category: "CONFLICT", message: "A marketing event with externalEventId \(eventID) already exists")
        }
        return write(fields, eventID: eventID, in: &portal)
    }

    /// `PUT …/marketing-events/events/{externalEventId}`: creates the event or updates it (idempotent).
    static func upsert(_ body: Any?, eventID: String, in portal: inout HubSpotEmulatorState.Portal) -> HubSpotReply {
        guard let fields = body as? [String: Any] else { return missingFields(body) }
        if let refusal = check(fields) { return refusal }
        guard fields["externalEventId"] as? String == eventID else { return .invalid("externalEventId in the body must match the path") }
        return write(fields, eventID: eventID, in: &portal)
    }

    private static func check(_ fields: [String: Any]) -> HubSpotReply? {
        let missing = required.filter { fields[$0] == nil }
        guard missing.isEmpty else { return missingFields(fields) }
        guard fields["customProperties"] is [Any] else { return .invalid("customProperties must be an array of {name, value}") }
        guard ["externalEventId", "externalAccountId", "eventName", "eventOrganizer"].allSatisfy({ fields[$0] is String }) else {
            return .invalid("externalEventId, externalAccountId, eventName and eventOrganizer must be strings")
        }
        return nil
    }

    private static func missingFields(_ body: Any?) -> HubSpotReply {
        let fields = body as? [String: Any] ?? [:]
        return .invalid("Some required fields were not set: [\(required.filter { fields[$0] == nil }.joined(separator: ", "))]")
    }

    private static func write(_ fields: [String: Any], eventID: String, in portal: inout HubSpotEmulatorState.Portal) -> HubSpotReply {
        let account = fields["externalAccountId"] as? String ?? ""
        let name = fields["eventName"] as? String ?? ""
        if portal.events[eventID] != nil {
            portal.events[eventID]?.eventName = name
            portal.events[eventID]?.writes += 1
        } else {
            portal.events[eventID] = .init(externalEventId: eventID, externalAccountId: account, eventName: name)
        }
        return .ok(fields.merging(["objectId": String(portal.nextID)]) { kept, _ in kept })
    }

    /// `POST …/marketing-events/attendance/{externalEventId}/{subscriberState}/email-create`. Properties are
    /// those HubSpot allows for the state: `joinedAt` and `leftAt` for `attend` (here as epoch milliseconds, the
    /// form of `interactionDateTime`: the reference gives none), none for the others.
    static func record(
        _ body: Any?,
        event eventID: String,
        account: String,
        state: String,
        in portal: inout HubSpotEmulatorState.Portal
    )
        -> HubSpotReply
    {
        guard states.contains(state) else { return .invalid("subscriberState must be one of register, attend, cancel") }
        guard let event = portal.events[eventID], event.externalAccountId == account else {
            return .notFound("Marketing event \(eventID) does not exist for externalAccountId \(account)")
        }
        guard let inputs = (body as? [String: Any])?["inputs"] as? [[String: Any]], inputs.allSatisfy({ $0["email"] is String }) else {
            return .invalid("inputs must be an array of objects with an email")
        }
        let allowed: Set<String> = state == "attend" ? ["joinedAt", "leftAt"] : []
        var participations = event.participations
        for input in inputs {
            let properties = input["properties"] as? [String: Any] ?? [:]
            if let extra = properties.keys.sorted().first(where: { !allowed.contains($0) }) {
                return .invalid("Property \(extra) is not allowed for the state \(state)")
            }
            if let bad = properties.first(where: { !("\($0.value)".allSatisfy(\.isNumber)) }) {
                return .invalid("Property \(bad.key) must be a time in epoch milliseconds, got \(bad.value)")
            }
            participations.append(
                .init(
                    email: (input["email"] as? String ?? "").lowercased(),
                    state: state,
                    at: input["interactionDateTime"].map { "\($0)" } ?? "",
                    properties: properties.mapValues { "\($0)" }
                )
            )
        }
        portal.events[eventID]?.participations = participations
        return .ok(["status": "COMPLETE", "results": inputs.map { ["email": $0["email"] ?? ""] }])
    }
}
