import SwitchboardDomain

/// Mailchimp in `switchboard demo`: an API key and an audience with first and last name fields in the emulator.
struct MailchimpDemo: DemoAccount {
    let emulator = MailchimpEmulator()
    let apiKey: String
    let audienceID: String

    init() {
        apiKey = emulator.state.issueKey()
        audienceID = emulator.state.createAudience(named: "Webinar audience", mergeFields: ["FNAME": "First name", "LNAME": "Last name"])
    }

    var provider: String { "mailchimp" }
    var urlOption: String { "SWITCHBOARD_MAILCHIMP_URL" }

    func run(port: Int, _ body: @Sendable (String) async throws -> Void) async throws {
        try await emulator.run(port: port, body)
    }

    var integration: (label: String, settings: [String: JSONValue], credentials: [String: JSONValue]) {
        (
            "Mailchimp (emulator)", ["audience_id": .string(audienceID), "audience_name": "Webinar audience", "tags": ["webinar"]],
            ["api_key": .string(apiKey)]
        )
    }

    func report() -> String? {
        "Mailchimp: \(emulator.state.members(of: audienceID).count) audience members"
    }
}
