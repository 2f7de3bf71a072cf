import AsyncHTTPClient
import SwitchboardEngine

/// The operator's settings for Slack.
extension SlackProvider: ProviderModule {
    public static var options: [ProviderOption] {
        [ProviderOption("SWITCHBOARD_SLACK_URL", "Slack's Web API, methods at <url>/api/<method> (default \(SlackAPI.defaultBaseURL))")]
            + ProviderOption.oauthApp("SLACK", at: "Slack")
    }

    public static func make(http: HTTPClient, settings: ProviderSettings) -> SlackProvider {
        SlackProvider(http: http, baseURL: settings["SWITCHBOARD_SLACK_URL"] ?? SlackAPI.defaultBaseURL, oauth: settings.oauthApp("SLACK"))
    }
}
