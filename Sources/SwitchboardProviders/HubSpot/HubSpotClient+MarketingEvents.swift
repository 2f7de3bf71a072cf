import Foundation
import SwitchboardDomain

extension HubSpotClient {
    /// Creates or updates the marketing event of a broadcast (`PUT …/events/{externalEventId}`, idempotent), with
    /// the fields HubSpot requires: the external ids, name, organizer and custom properties
    /// (https://developers.hubspot.com/docs/api-reference/latest/marketing/marketing-events/basic/upsert-event).
    public func upsertMarketingEvent(externalEventID: String, externalAccountID: String, name: String, startsAt: Date?) async throws(ProviderFailure)
    {
        var body: [String: Any] = [
            "externalEventId": externalEventID, "externalAccountId": externalAccountID, "eventName": name, "eventOrganizer": "Switchboard",
            "eventType": "WEBINAR", "customProperties": [[String: String]](),
        ]
        if let startsAt { body["startDateTime"] = Timestamp.format(startsAt) }
        _ = try await call(.PUT, HubSpotAPI.marketingEvent(externalEventID), json: body)
    }

    /// A participation to record on a marketing event: the contact's email, when, and for `attend` when the
    /// contact joined and left.
    public struct Participation: Sendable, Equatable {
        public var email: String
        public var at: Date
        public var joinedAt: Date?
        public var leftAt: Date?

        public init(email: String, at: Date, joinedAt: Date? = nil, leftAt: Date? = nil) {
            self.email = email
            self.at = at
            self.joinedAt = joinedAt
            self.leftAt = leftAt
        }

        /// The properties HubSpot allows for the state: `joinedAt` and `leftAt` for `attend`, none for the others
        /// (https://developers.hubspot.com/docs/api-reference/latest/marketing/marketing-events/attendance/set-attendance-email-externalId).
        /// Their format is not documented beyond a string; they go as epoch milliseconds, as `interactionDateTime`
        /// does. HubSpot works out the attendance duration from them; no property takes a watch time.
        func properties(state: String) -> [String: String] {
            guard state == "attend" else { return [:] }
            var properties: [String: String] = [:]
            if let joinedAt { properties["joinedAt"] = String(Timestamp.milliseconds(joinedAt)) }
            if let leftAt { properties["leftAt"] = String(Timestamp.milliseconds(leftAt)) }
            return properties
        }
    }

    /// Records `register`, `attend` or `cancel` participations by email on a marketing event; returns those HubSpot
    /// refused, by lowercased email, with its reason. The answer lists what was recorded (`results`, by email) and
    /// what was not (`errors`, which name no input): a participation missing from the results of an answer with errors
    /// was refused.
    @discardableResult
    public func recordParticipations(
        externalEventID: String,
        externalAccountID: String,
        state: String,
        _ participations: [Participation]
    ) async throws(ProviderFailure) -> [String: String] {
        let inputs: [[String: Any]] = participations.map {
            [
                "email": $0.email, "interactionDateTime": Timestamp.milliseconds($0.at), "properties": $0.properties(state: state),
                "contactProperties": [:],
            ]
        }
        let path = HubSpotAPI.attendance(externalEventID, state: state) + "?externalAccountId=" + HubSpotAPI.segment(externalAccountID)
        let answer = try await call(.POST, path, json: ["inputs": inputs])
        let errors = answer["errors"] as? [[String: Any]] ?? []
        guard !errors.isEmpty else { return [:] }
        let recorded = Set((answer["results"] as? [[String: Any]] ?? []).compactMap { ($0["email"] as? String)?.lowercased() })
        let why = errors.map(Self.reason).joined(separator: "; ")
        var refused: [String: String] = [:]
        for participation in participations where !recorded.contains(participation.email.lowercased()) {
            refused[participation.email.lowercased()] = why
        }
        return refused
    }
}
