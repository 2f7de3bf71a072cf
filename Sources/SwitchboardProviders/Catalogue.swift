import AsyncHTTPClient
import SwitchboardEngine

/// The providers of this build. Adding one (Salesforce, ActiveCampaign…) is its folder and one line here.
public enum Providers {
    /// Where each provider's API is; nil means the real service.
    public struct BaseURLs: Sendable {
        public var hubspot: String?
        public var mailchimp: String?

        public init(hubspot: String? = nil, mailchimp: String? = nil) {
            self.hubspot = hubspot
            self.mailchimp = mailchimp
        }
    }

    /// The catalogue with every provider, calling their APIs through `http`.
    public static func catalogue(http: HTTPClient, baseURLs: BaseURLs = BaseURLs()) -> ProviderCatalogue {
        ProviderCatalogue(contactSync: [
            HubSpotProvider(http: http, baseURL: baseURLs.hubspot ?? HubSpotClient.defaultBaseURL),
            MailchimpProvider(http: http, baseURL: baseURLs.mailchimp),
        ])
    }
}
