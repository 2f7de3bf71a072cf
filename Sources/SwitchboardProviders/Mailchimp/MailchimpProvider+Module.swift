import AsyncHTTPClient
import SwitchboardEngine

/// The operator's settings for Mailchimp.
extension MailchimpProvider: ProviderModule {
    public static var options: [ProviderOption] {
        [ProviderOption("SWITCHBOARD_MAILCHIMP_URL", "Mailchimp's API (default https://<dc>.api.mailchimp.com from the key)")]
            + ProviderOption.oauthApp("MAILCHIMP", at: "Mailchimp")
    }

    public static func make(http: HTTPClient, settings: ProviderSettings) -> MailchimpProvider {
        MailchimpProvider(http: http, baseURL: settings["SWITCHBOARD_MAILCHIMP_URL"], oauth: settings.oauthApp("MAILCHIMP"))
    }
}
