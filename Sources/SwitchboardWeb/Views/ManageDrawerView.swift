/// The Manage Integration drawer (`manage.mustache`).
struct ManageDrawerView: Sendable {
    var id: String
    var label: String
    var providerName: String
    var status: StatusView
    var href: String
    /// The saved label, credentials (hints only) and settings, as a form.
    var labelError: String?
    var credentialFields: [FormFieldView]
    var settingsFields: [FormFieldView]
    var hasCredentials: Bool
    /// The provider's name when it can be (re)connected with OAuth.
    var oauthName: String?
    /// Whether the provider offers choices (lists, channels…), and why they could not be loaded.
    var offersOptions = false
    var optionsNote: String?
    /// The setup tracker of a provider that needs Finish; nil when it has none.
    var setup: [SetupStep]? { didSet { hasSetup = setup != nil } }
    var hasSetup = false
    var canFinish = false
    /// Webhooks: the signing secret (managers only) and the Test action.
    var isWebhook = false
    var secret: String?
    var secretHint: String?
    /// The notification types a provider sends tests of (Slack).
    var testTypes: [OptionView] = []
    var hasTestTypes = false
    /// Contact-sync providers: Resync Historical Contacts.
    var canResync = false
    var canPause = false
    var canResume = false
    var deliveries: [DeliveryCount] = []
    /// The result of a Test or Send Test Notification just made.
    var testResult: TestResultView?
    /// An action's refusal ("resume refused: the channel is archived…").
    var error: String?
}

/// A step of the setup tracker.
struct SetupStep: Sendable {
    var label: String
    var done: Bool
}

/// How many deliveries an integration has of one status.
struct DeliveryCount: Sendable {
    var status: String
    var count: Int
}

/// A test's attempt, shown where it was made.
struct TestResultView: Sendable {
    var succeeded: Bool
    var summary: String
    var statusCode: String?
    var latency: String
    var excerpt: String?
}
