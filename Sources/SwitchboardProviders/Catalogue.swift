import AsyncHTTPClient
import SwitchboardEngine

/// The providers of this build. Adding one (Salesforce, ActiveCampaign…) is its folder and one line here.
public enum Providers {
    /// Where each provider's API is (nil: the real service), its rate limit, and the operator's OAuth apps.
    public struct Configuration: Sendable {
        public var hubspot: String?
        public var mailchimp: String?
        /// HubSpot requests per 10 s per token: 100 for private apps on most accounts, 190 on Pro and Enterprise.
        public var hubspotRequestsPer10Seconds: Int
        /// The operator's OAuth apps, when managers may connect with OAuth instead of tokens and keys.
        public var hubspotOAuth: OAuthApp?
        public var mailchimpOAuth: OAuthApp?

        public init(
            hubspot: String? = nil,
            mailchimp: String? = nil,
            hubspotRequestsPer10Seconds: Int = 100,
            hubspotOAuth: OAuthApp? = nil,
            mailchimpOAuth: OAuthApp? = nil
        ) {
            self.hubspotOAuth = hubspotOAuth
            self.mailchimpOAuth = mailchimpOAuth
            self.hubspot = hubspot
            self.mailchimp = mailchimp
            self.hubspotRequestsPer10Seconds = hubspotRequestsPer10Seconds
        }
    }

    /// The catalogue with every provider, calling their APIs through `http`.
    public static func catalogue(http: HTTPClient, configuration: Configuration = Configuration()) -> ProviderCatalogue {
        ProviderCatalogue([
            HubSpotProvider(
                http: http,
                baseURL: configuration.hubspot ?? HubSpotClient.defaultBaseURL,
                rateLimit: (configuration.hubspotRequestsPer10Seconds, 10),
                oauth: configuration.hubspotOAuth
            ),
            MailchimpProvider(http: http, baseURL: configuration.mailchimp, oauth: configuration.mailchimpOAuth),
        ])
    }
}
