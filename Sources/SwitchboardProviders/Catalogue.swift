import AsyncHTTPClient
import SwitchboardEngine

/// The providers of this build. Adding one (Salesforce, ActiveCampaign…) is its folder and one line here.
public enum Providers {
    /// Where each provider's API is; nil means the real service.
    public struct BaseURLs: Sendable {
        public var hubspot: String?
        public var mailchimp: String?
        /// HubSpot requests per 10 s per token: 100 for private apps on most accounts, 190 on Pro and Enterprise.
        public var hubspotRequestsPer10Seconds: Int

        public init(hubspot: String? = nil, mailchimp: String? = nil, hubspotRequestsPer10Seconds: Int = 100) {
            self.hubspot = hubspot
            self.mailchimp = mailchimp
            self.hubspotRequestsPer10Seconds = hubspotRequestsPer10Seconds
        }
    }

    /// The catalogue with every provider, calling their APIs through `http`.
    public static func catalogue(http: HTTPClient, baseURLs: BaseURLs = BaseURLs()) -> ProviderCatalogue {
        ProviderCatalogue(contactSync: [
            HubSpotProvider(
                http: http,
                baseURL: baseURLs.hubspot ?? HubSpotClient.defaultBaseURL,
                rateLimit: (baseURLs.hubspotRequestsPer10Seconds, 10)
            ),
            MailchimpProvider(http: http, baseURL: baseURLs.mailchimp),
        ])
    }
}
