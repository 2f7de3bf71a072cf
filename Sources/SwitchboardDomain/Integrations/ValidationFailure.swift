/// Why a provider refused an integration's credentials or selection: what the validation process finds, and
/// what a 401, a 403 or a 404 for the selected list during sync means (SPEC §2).
public enum ValidationFailure: Sendable, Equatable {
    /// The provider rejected the credentials: revoked, expired, or an OAuth refresh that failed.
    case expiredCredentials(String)
    /// The credentials lack permissions the integration needs.
    case missingPermissions(scopes: [String])
    /// A selected list or audience no longer exists.
    case listNotFound(name: String)
    /// A selected channel no longer exists or cannot be posted to.
    case channelUnavailable(name: String)

    /// The pause reason it maps to.
    public var pauseReason: PauseReason {
        switch self {
        case .expiredCredentials: .expiredCredentials
        case .missingPermissions: .missingPermissions
        case .listNotFound: .listNotFound
        case .channelUnavailable: .channelUnavailable
        }
    }

    /// The `status_detail`: what happened, what to do, and where the provider's troubleshooting guide
    /// explains it (`docs/providers/<provider>.md#<pause_reason>`).
    public func detail(providerName: String, provider: String) -> String {
        let what =
            switch self {
            case .expiredCredentials(let why):
                "\(providerName) rejected the credentials (\(why)): reconnect \(providerName), then resume the integration."
            case .missingPermissions(let scopes):
                "The \(providerName) connection lacks permissions (\(scopes.joined(separator: ", "))): reconnect with them granted, then resume."
            case .listNotFound(let name):
                "\(providerName) says the selected list \(name) no longer exists: choose another list, then resume."
            case .channelUnavailable(let name):
                "\(providerName) says the channel \(name) is no longer available: choose another channel, then resume."
            }
        return what + " See docs/providers/\(provider).md#\(pauseReason.rawValue.replacingOccurrences(of: "_", with: "-"))"
    }
}
