/// The Add Integration drawer (`add-integration.mustache`): a category, then a provider, then its setup form.
struct AddDrawerView: Sendable {
    /// Step one: the categories that have a provider.
    var categories: [Choice]?
    /// Step two: the providers of the chosen category.
    var providers: [Choice]?
    var categoryName: String?
    /// Step three: the setup form of the chosen provider.
    var setup: SetupForm?

    /// A category or provider to choose.
    struct Choice: Sendable {
        var name: String
        var href: String
        var note: String?
    }

    /// A provider's setup form: label, credentials, settings; it ends in Save and Close (a webhook, active at once)
    /// or Connect (a provider that still needs its lists chosen and Finish pressed).
    struct SetupForm: Sendable {
        var provider: String
        var providerName: String
        var action: String
        var label: String
        var labelError: String?
        var credentialFields: [FormFieldView]
        var settingsFields: [FormFieldView]
        var submitLabel: String
        var error: String?
        var hasCredentials: Bool
        /// The provider's name when the operator configured its OAuth app: "Connect with HubSpot".
        var oauthName: String? = nil
    }
}
