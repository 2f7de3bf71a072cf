import SwitchboardDomain

/// Why an integration operation was refused; the HTTP layer turns each case into a problem document.
public enum IntegrationError: Error, Sendable, Equatable {
    /// Some fields are invalid; nothing was changed.
    case invalid([FieldError])
    /// No such integration in this workspace.
    case notFound
    /// The operation does not apply to this provider (e.g. a signing secret of a Slack integration).
    case unsupported(String)
    /// The integration's state forbids it now, e.g. resuming while validation still fails.
    case conflict(reason: String, detail: String)
    /// The provider could not be asked now (outage, rate limit): nothing was changed (HTTP 502).
    case providerUnavailable(String)
    /// The store failed: not the caller's fault (HTTP 500); the description is for the logs only.
    case storeFailure(String)
    /// Asked too often (HTTP 429): try again after `retryAfter` seconds.
    case rateLimited(String, retryAfter: Int)
}
