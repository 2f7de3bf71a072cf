import SwitchboardDomain

/// HubSpot in `switchboard demo`: a private-app token and a static list in the emulator.
struct HubSpotDemo: DemoAccount {
    let emulator = HubSpotEmulator()
    let token: String
    let listID: String

    init() {
        token = emulator.state.issueToken()
        listID = emulator.state.createList(named: "Webinar registrants")
    }

    var provider: String { "hubspot" }
    var urlOption: String { "SWITCHBOARD_HUBSPOT_URL" }

    func run(port: Int, _ body: @Sendable (String) async throws -> Void) async throws {
        try await emulator.run(port: port, body)
    }

    var integration: (label: String, settings: [String: JSONValue], credentials: [String: JSONValue]) {
        ("HubSpot (emulator)", ["list_id": .string(listID), "list_name": "Webinar registrants"], ["access_token": .string(token)])
    }

    func report() -> String? {
        let state = emulator.state
        let events = state.marketingEvents.values
        return "HubSpot: \(state.contactsByEmail.count) contacts, \(state.memberEmails(of: listID).count) in the list, "
            + "\(events.count) marketing events with \(events.map(\.participations.count).reduce(0, +)) participations"
    }
}
