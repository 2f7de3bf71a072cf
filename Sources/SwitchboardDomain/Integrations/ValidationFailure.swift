/// Why a provider refused an integration's credentials or selection: what the validation process finds, and
/// what a 401, a 403 or a 404 for the selected list during sync means (SPEC §2).
public enum ValidationFailure: Sendable, Equatable {
    /// The provider rejected the credentials: revoked, expired, or an OAuth refresh that failed.
    case expiredCredentials(String)
    /// The credentials lack permissions the integration needs.
    case missingPermissions(scopes: [String])
    /// The provider refused an action for a reason other than missing scopes (the connecting user's own
    /// permissions, an account restriction), in the provider's words.
    case permissionDenied(String)
    /// A selected list or audience no longer exists.
    case listNotFound(name: String)
    /// A selected channel cannot be posted to: gone, archived, or the app is not in it.
    case channelUnavailable(name: String, problem: ChannelProblem)
    /// The provider cannot work with a setting as chosen: a list contacts cannot be added to, a required field
    /// the mapping leaves empty, a property that cannot be written. `field` names the setting, `problem` says
    /// what is wrong in the manager's words. Refused when saved (a field error); found by validation later
    /// (the provider changed), the integration pauses with `list_not_found`, the reason of a selection to redo.
    case unusableSetting(field: String, problem: String)

    /// The pause reason it maps to.
    public var pauseReason: PauseReason {
        switch self {
        case .expiredCredentials: .expiredCredentials
        case .missingPermissions, .permissionDenied: .missingPermissions
        case .listNotFound, .unusableSetting: .listNotFound
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
            case .permissionDenied(let message):
                "\(providerName) refused the action (\(message)): have an administrator there grant the connecting user or app the permission, then resume."
            case .listNotFound(let name):
                "\(providerName) says the selected list \(name) no longer exists: choose another list, then resume."
            case .channelUnavailable(let name, .gone):
                "\(providerName) says the channel \(name) no longer exists: choose another channel, then resume."
            case .channelUnavailable(let name, .archived):
                "\(providerName) says the channel \(name) is archived: unarchive it or choose another channel, then resume."
            case .channelUnavailable(let name, .notInvited):
                "\(providerName) says the app is not in the channel \(name): invite the app to \(name) or choose another channel, then resume."
            case .unusableSetting(_, let problem):
                "\(providerName) cannot work with the integration's settings: \(problem). Change the settings, then resume."
            }
        return what + " See docs/providers/\(provider).md#\(pauseReason.rawValue.replacingOccurrences(of: "_", with: "-"))"
    }
}

/// Why a chosen channel cannot be posted to.
public enum ChannelProblem: String, Sendable, Equatable {
    /// It no longer exists (or the app cannot see it).
    case gone
    /// It was archived.
    case archived
    /// The app was never invited to it, or was removed.
    case notInvited
}
