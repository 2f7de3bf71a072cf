import SwitchboardDomain
import Synchronization

/// Slack in `switchboard demo`: a bot token and a #webinars channel in the emulator; each report prints the messages
/// posted since the last one.
final class SlackDemo: DemoAccount {
    let emulator = SlackEmulator()
    let token: String
    let channel: String
    private let shown = Mutex(0)

    init() {
        token = emulator.state.issueToken()
        channel = emulator.state.createChannel(named: "webinars")
    }

    var provider: String { "slack" }
    var urlOption: String { "SWITCHBOARD_SLACK_URL" }

    func run(port: Int, _ body: @Sendable (String) async throws -> Void) async throws {
        try await emulator.run(port: port, body)
    }

    var integration: (label: String, settings: [String: JSONValue], credentials: [String: JSONValue]) {
        ("Slack #webinars (emulator)", ["channel_id": .string(channel)], ["bot_token": .string(token)])
    }

    func report() -> String? {
        let messages = emulator.state.messages(in: channel)
        let new = shown.withLock { shown in
            defer { shown = messages.count }
            return messages.dropFirst(shown)
        }
        guard !new.isEmpty else { return nil }
        return new.map { "Slack #webinars: " + $0.text.replacingOccurrences(of: "\n", with: " / ") }.joined(separator: "\n  ")
    }
}
