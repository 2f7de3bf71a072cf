import Foundation
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardStore

extension ProviderSettings {
    /// Settings with `values` and the operator's OAuth app `app` under `prefix` ("HUBSPOT"), as the environment would
    /// give them: its client id and secret, and the public URL its redirect is made from.
    public static func emulated(_ values: [String: String], oauth app: OAuthApp, as prefix: String) -> ProviderSettings {
        var values = values
        values["SWITCHBOARD_\(prefix)_CLIENT_ID"] = app.clientID
        values["SWITCHBOARD_\(prefix)_CLIENT_SECRET"] = app.clientSecret
        let suffix = "/v1/oauth/callback"
        let publicURL = app.redirectURI.hasSuffix(suffix) ? String(app.redirectURI.dropLast(suffix.count)) : app.redirectURI
        return ProviderSettings(values, publicURL: publicURL)
    }
}

extension Store {
    /// Records attempts as the engine's recorder does: a pause makes the engine's notice.
    @discardableResult
    public func record(_ results: [AttemptResult], now: Date = Date()) async throws -> [HealthChange] {
        try await record(results, now: now, noticeOfPause: Notices.paused)
    }
}
