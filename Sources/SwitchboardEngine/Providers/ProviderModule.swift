import AsyncHTTPClient
import Foundation

/// How a build makes a provider from the operator's configuration: the provider declares the settings it reads
/// (environment variables, also given as `--provider-option NAME=VALUE`), and makes itself from their values.
/// `SwitchboardProviders.Providers.modules` lists one per provider; `serve --help` lists their options.
public protocol ProviderModule: IntegrationProvider {
    /// The operator's settings this provider reads.
    static var options: [ProviderOption] { get }
    /// The provider, calling its API through `http`, configured by `settings`.
    static func make(http: HTTPClient, settings: ProviderSettings) -> Self
}

/// One setting of the operator's for a provider.
public struct ProviderOption: Sendable, Equatable {
    /// The environment variable, `SWITCHBOARD_…`.
    public let name: String
    /// What it sets, and its default.
    public let help: String

    public init(_ name: String, _ help: String) {
        self.name = name
        self.help = help
    }

    /// The two settings of an operator's OAuth app at a provider (`SWITCHBOARD_<PREFIX>_CLIENT_ID`, `_CLIENT_SECRET`).
    public static func oauthApp(_ prefix: String, at provider: String) -> [ProviderOption] {
        [
            ProviderOption("SWITCHBOARD_\(prefix)_CLIENT_ID", "client id of the operator's \(provider) app: managers may connect with OAuth"),
            ProviderOption("SWITCHBOARD_\(prefix)_CLIENT_SECRET", "client secret of that app"),
        ]
    }
}

/// The values of the providers' options, and where browsers reach Switchboard (OAuth redirects).
public struct ProviderSettings: Sendable {
    /// By option name; options not set are absent.
    public var values: [String: String]
    /// `SWITCHBOARD_PUBLIC_URL`, without a trailing slash.
    public var publicURL: String

    public init(_ values: [String: String] = [:], publicURL: String = "http://127.0.0.1:8080") {
        self.values = values
        self.publicURL = publicURL
    }

    /// The value of an option, nil when it is not set (or empty).
    public subscript(_ name: String) -> String? {
        values[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The operator's OAuth app of `ProviderOption.oauthApp(prefix)`, sending managers back to
    /// `<public URL>/v1/oauth/callback`; nil unless both its settings are given.
    public func oauthApp(_ prefix: String) -> OAuthApp? {
        guard let id = self["SWITCHBOARD_\(prefix)_CLIENT_ID"], let secret = self["SWITCHBOARD_\(prefix)_CLIENT_SECRET"] else { return nil }
        return OAuthApp(clientID: id, clientSecret: secret, redirectURI: publicURL + "/v1/oauth/callback")
    }
}
