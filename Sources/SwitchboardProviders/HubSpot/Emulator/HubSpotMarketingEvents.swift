/// The emulator's marketing events: events created by the integration, and participation states recorded
/// by email, which HubSpot shows on each contact's timeline.
enum HubSpotMarketingEvents {
    static let states: Set<String> = ["register", "attend", "cancel"]

    /// `POST /marketing/v3/marketing-events/events`: creates an event; the external ids must be new.
    static func create(_ body: Any?, in portal: inout HubSpotEmulatorState.Portal) -> HubSpotReply {
        guard let fields = body as? [String: Any], let eventID = fields["externalEventId"] as? String,
            let account = fields["externalAccountId"] as? String, let name = fields["eventName"] as? String,
            fields["eventOrganizer"] is String
        else { return .invalid("externalEventId, externalAccountId, eventName and eventOrganizer are required") }
        guard portal.events[eventID] == nil else {
            return .error(status: 409, category: "CONFLICT", message: "A marketing event with externalEventId \(eventID) already exists")
        }
        portal.events[eventID] = .init(externalEventId: eventID, externalAccountId: account, eventName: name)
        return .ok(fields.merging(["objectId": String(portal.nextID)]) { kept, _ in kept })
    }

    /// `POST /marketing/v3/marketing-events/attendance/{externalEventId}/{subscriberState}/email-create`.
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
        var participations = event.participations
        for input in inputs {
            participations.append(
                .init(
                    email: (input["email"] as? String ?? "").lowercased(),
                    state: state,
                    at: input["interactionDateTime"].map { "\($0)" } ?? "",
                    properties: (input["properties"] as? [String: Any] ?? [:]).mapValues { "\($0)" }
                )
            )
        }
        portal.events[eventID]?.participations = participations
        return .ok(["status": "COMPLETE", "results": inputs.map { ["email": $0["email"] ?? ""] }])
    }
}
