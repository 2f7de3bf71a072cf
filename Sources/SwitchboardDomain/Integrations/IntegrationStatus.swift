/// The health of an integration (SPEC §2).
public enum IntegrationStatus: String, Codable, Sendable, CaseIterable {
    /// Created but not finished: authorization, required settings, or the manager's "Finish" are missing.
    case setupIncomplete = "setup_incomplete"
    /// Healthy; the last sync, if any, succeeded.
    case active
    /// The last attempt failed; automatic retries continue until one succeeds.
    case failedSync = "failed_sync"
    /// Nothing is sent; events are recorded as skipped deliveries.
    case paused
}

/// Why an integration is paused (SPEC §2).
public enum PauseReason: String, Codable, Sendable, CaseIterable {
    case manual
    case expiredCredentials = "expired_credentials"
    case missingPermissions = "missing_permissions"
    case listNotFound = "list_not_found"
    case channelUnavailable = "channel_unavailable"
    case endpointFailing = "endpoint_failing"
}
