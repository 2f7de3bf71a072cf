import AsyncHTTPClient
import SwitchboardEngine

/// The providers of this build. Adding one (Salesforce, ActiveCampaign…) is its folder and one line here.
public enum Providers {
    /// Every provider of this build (the webhook is the engine's own and always there).
    public static let modules: [any ProviderModule.Type] = [
        HubSpotProvider.self,
        MailchimpProvider.self,
        SlackProvider.self,
    ]

    /// The operator's settings the providers read, in the order of `modules`.
    public static var options: [ProviderOption] { modules.flatMap { $0.options } }

    /// The catalogue with every provider, calling their APIs through `http`.
    public static func catalogue(http: HTTPClient, settings: ProviderSettings = ProviderSettings()) -> ProviderCatalogue {
        ProviderCatalogue(modules.map { $0.make(http: http, settings: settings) })
    }
}
