import Foundation

/// An operator's OAuth app at a provider: Switchboard's client id and secret, and where the provider
/// sends managers back (`<public URL>/v1/oauth/callback`).
public struct OAuthApp: Sendable {
    public var clientID: String
    public var clientSecret: String
    public var redirectURI: String

    public init(clientID: String, clientSecret: String, redirectURI: String) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURI = redirectURI
    }
}

extension OAuthApp: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Never the client secret: providers that hold an app are described in logs with the services that hold them.
    public var description: String { "OAuthApp(clientID: \(clientID), clientSecret: redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["clientID": clientID], displayStyle: .struct) }
}
