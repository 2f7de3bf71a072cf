import Foundation

/// An integration's status with its reason and explanation, and the transitions between them.
///
/// Every transition of SPEC §2 lives here, so the store and the engine only persist what this decides.
public struct IntegrationHealth: Sendable, Equatable {
    /// The status.
    public private(set) var status: IntegrationStatus
    /// Set exactly when `status == .paused`.
    public private(set) var pauseReason: PauseReason?
    /// What is wrong and what to do; nil exactly when `status == .active`.
    public private(set) var statusDetail: String?

    /// A health as stored.
    public init(status: IntegrationStatus, pauseReason: PauseReason? = nil, statusDetail: String? = nil) {
        self.status = status
        self.pauseReason = status == .paused ? (pauseReason ?? .manual) : nil
        self.statusDetail = status == .active ? nil : (statusDetail ?? Self.defaultDetail(status, pauseReason))
    }

    /// A healthy integration.
    public static let active = IntegrationHealth(status: .active)

    /// A delivery succeeded: `failed_sync` recovers; a paused integration stays paused.
    public mutating func recordSuccess() {
        guard status == .failedSync || status == .active else { return }
        self = .active
    }

    /// A delivery failed; retries continue, so the integration shows `failed_sync` with what went wrong.
    public mutating func recordFailure(_ detail: String) {
        guard status == .active || status == .failedSync else { return }
        self = IntegrationHealth(status: .failedSync, statusDetail: detail)
    }

    /// Pauses for a reason; a manual pause does not hide an automatic reason that is already there. An
    /// integration still being set up receives nothing anyway and stays `setup_incomplete`: a later resume
    /// must not skip its setup.
    public mutating func pause(_ reason: PauseReason, detail: String? = nil) {
        if status == .setupIncomplete { return }
        if status == .paused, reason == .manual, pauseReason != .manual { return }
        self = IntegrationHealth(status: .paused, pauseReason: reason, statusDetail: detail)
    }

    /// Resuming after validation passed: back to `active`.
    public mutating func resume() {
        guard status == .paused else { return }
        self = .active
    }

    /// Setup moved on: an incomplete setup becomes `active` once every step is done, and otherwise says
    /// what is left. A finished integration is not affected.
    public mutating func updateSetup(_ progress: SetupProgress, providerName: String) {
        guard status == .setupIncomplete else { return }
        self = progress.isComplete ? .active : IntegrationHealth(status: .setupIncomplete, statusDetail: progress.detail(provider: providerName))
    }

    /// The provider refused the credentials or the selection. A running integration pauses with the matching
    /// reason (replacing a manual one: the manager has something to fix first); one still being set up stays
    /// `setup_incomplete` and says what the provider said.
    public mutating func validationFailed(_ failure: ValidationFailure, providerName: String, provider: String) {
        let detail = failure.detail(providerName: providerName, provider: provider)
        if status == .setupIncomplete {
            self = IntegrationHealth(status: .setupIncomplete, statusDetail: detail)
        } else {
            self = IntegrationHealth(status: .paused, pauseReason: failure.pauseReason, statusDetail: detail)
        }
    }

    /// The explanation used when none more specific is known.
    public static func defaultDetail(_ status: IntegrationStatus, _ reason: PauseReason?) -> String? {
        switch status {
        case .active: nil
        case .setupIncomplete: "Setup is not finished: complete the required settings and press Finish."
        case .failedSync: "The last delivery failed; Switchboard keeps retrying automatically."
        case .paused:
            switch reason ?? .manual {
            case .manual: "Paused by a manager: nothing is sent until it is resumed."
            case .expiredCredentials: "The provider rejected the credentials: reconnect the integration, then resume it."
            case .missingPermissions: "The credentials lack a required permission: grant it, then resume the integration."
            case .listNotFound: "The selected list no longer exists at the provider: choose another list, then resume."
            case .channelUnavailable: "The selected channel is no longer available: choose another channel, then resume."
            case .endpointFailing:
                "The endpoint has not accepted a delivery for 5 days: fix the endpoint, then resume and re-send the skipped deliveries."
            }
        }
    }
}
