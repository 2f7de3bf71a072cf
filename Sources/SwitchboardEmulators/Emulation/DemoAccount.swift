import SwitchboardDomain

/// A provider's part in `switchboard demo`: its emulator, an account in it, the integration a manager would connect to
/// that account, and what the emulator holds now. One per provider, in its emulator folder, listed by `all`.
public protocol DemoAccount: Sendable {
    /// The provider's catalogue name.
    var provider: String { get }
    /// The provider setting that points it at the emulator (`SWITCHBOARD_HUBSPOT_URL`).
    var urlOption: String { get }
    /// Serves the emulator on `port` while `body` runs; `body` gets its base URL.
    func run(port: Int, _ body: @Sendable (String) async throws -> Void) async throws
    /// The demo integration's label, settings and credentials.
    var integration: (label: String, settings: [String: JSONValue], credentials: [String: JSONValue]) { get }
    /// What the emulator received since the last report, in a line or a few; nil when nothing changed.
    func report() -> String?
}

/// The demo accounts of every provider with an emulator.
public enum DemoAccounts {
    public static func all() -> [any DemoAccount] {
        [HubSpotDemo(), MailchimpDemo(), SlackDemo()]
    }
}
