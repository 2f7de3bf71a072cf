/// The steps a CRM or email integration needs before it receives anything (SPEC §2): credentials authorized
/// (validated against the provider), required settings chosen and valid, and a manager's "Finish"
/// (`POST /v1/integrations/{id}/complete-setup`). An abandoned setup simply stays incomplete.
public struct SetupProgress: Codable, Sendable, Equatable {
    /// The provider accepted the credentials.
    public var authorized: Bool
    /// Required settings that are missing or invalid, in words a manager understands ("a list").
    public var missingSettings: [String]
    /// A manager pressed Finish.
    public var finished: Bool

    public init(authorized: Bool = false, missingSettings: [String] = [], finished: Bool = false) {
        self.authorized = authorized
        self.missingSettings = missingSettings
        self.finished = finished
    }

    enum CodingKeys: String, CodingKey {
        case authorized, finished
        case missingSettings = "missing_settings"
    }

    /// Every step is done: the integration may become active.
    public var isComplete: Bool { authorized && missingSettings.isEmpty && finished }

    /// What is left, as a `status_detail`; nil when complete.
    public func detail(provider: String) -> String? {
        var steps: [String] = []
        if !authorized { steps.append("connect \(provider)") }
        steps += missingSettings.map { "choose \($0)" }
        if !finished { steps.append("press Finish") }
        guard !steps.isEmpty else { return nil }
        return "Setup is not finished: " + steps.joined(separator: ", ") + "."
    }
}
