import AsyncHTTPClient
import SwitchboardEngine

/// The operator's settings for HubSpot.
extension HubSpotProvider: ProviderModule {
    public static var options: [ProviderOption] {
        [
            ProviderOption("SWITCHBOARD_HUBSPOT_URL", "HubSpot's API (default \(HubSpotClient.defaultBaseURL); an emulator in tests and the demo)"),
            ProviderOption(
                "SWITCHBOARD_HUBSPOT_RATE_LIMIT",
                "HubSpot requests per 10 s per token (default 100, private apps on most accounts; 190 on Pro and Enterprise)"
            ),
        ] + ProviderOption.oauthApp("HUBSPOT", at: "HubSpot")
    }

    public static func make(http: HTTPClient, settings: ProviderSettings) -> HubSpotProvider {
        HubSpotProvider(
            http: http,
            baseURL: settings["SWITCHBOARD_HUBSPOT_URL"] ?? HubSpotClient.defaultBaseURL,
            rateLimit: (settings["SWITCHBOARD_HUBSPOT_RATE_LIMIT"].flatMap(Int.init) ?? 100, 10),
            oauth: settings.oauthApp("HUBSPOT")
        )
    }
}
