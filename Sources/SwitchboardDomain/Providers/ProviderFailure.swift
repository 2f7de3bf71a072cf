import Foundation

/// What went wrong in a call to a provider, in the terms that decide what Switchboard does next.
public enum ProviderFailure: Error, Sendable, Equatable {
    /// Over the provider's rate limit: wait `retryAfter` (when known) and try again; never a sync failure.
    case throttled(retryAfter: TimeInterval?)
    /// A quota of the provider's is used up for a long while (HubSpot's daily limit): nothing is sent for
    /// `retryAfter`; the integration shows `failed_sync` with `detail` meanwhile, its deliveries waiting, not failing.
    case quotaExhausted(retryAfter: TimeInterval, detail: String)
    /// The provider refused the credentials or the selection: the integration pauses with this reason.
    case refused(ValidationFailure)
    /// The provider refused the data itself (a 400): retrying the same request cannot succeed.
    case invalid(String)
    /// The provider or the network failed (5xx, timeout, connection): retry later.
    case unavailable(String)
}
