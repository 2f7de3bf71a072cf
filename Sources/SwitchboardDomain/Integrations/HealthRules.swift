import Foundation

/// What an integration's health and its success and failure times are after a batch of attempts: the rule
/// the store applies when it records them (SPEC §2, §5), kept here so that the store only saves its result.
public struct HealthState: Sendable, Equatable {
    public var health: IntegrationHealth
    /// Milliseconds since 1970.
    public var lastSuccessAt: Int64?
    public var lastFailureAt: Int64?
    /// When the current run of failures began (no success since).
    public var failingSince: Int64?

    public init(health: IntegrationHealth, lastSuccessAt: Int64?, lastFailureAt: Int64?, failingSince: Int64?) {
        self.health = health
        self.lastSuccessAt = lastSuccessAt
        self.lastFailureAt = lastFailureAt
        self.failingSince = failingSince
    }
}

public enum HealthRules {
    /// How long a webhook may fail without a single success before it is paused `endpoint_failing` (SPEC §5).
    public static let endpointFailingAfter: TimeInterval = 5 * 24 * 3600

    /// `state` after `outcomes` (in the order they finished), as of `now`. A refusal pauses with its reason; a
    /// long wait (a used-up quota) or a failure shows `failed_sync`; a success recovers; a 410 pauses. When
    /// `pauseAfterFailing` is given (the webhook's five days), failing that long without a success pauses.
    public static func apply(_ outcomes: [AttemptOutcome], to state: HealthState, pauseAfterFailing: TimeInterval?, now: Date) -> HealthState {
        var state = state
        for outcome in outcomes {
            let at = Timestamp.milliseconds(outcome.startedAt)
            if let refusal = outcome.refusal {
                // The provider refused the credentials or the selection: pause until a manager fixes it.
                state.health.pause(refusal.reason, detail: refusal.detail)
            } else if outcome.throttled {
                // Slowed down, not failed: the health stays as it is, unless the wait is a long one (a daily quota used up).
                guard let detail = outcome.quotaDetail else { continue }
                state.health.recordFailure(detail)
                state.lastFailureAt = max(state.lastFailureAt ?? 0, at)
            } else if outcome.succeeded {
                state.health.recordSuccess()
                state.lastSuccessAt = max(state.lastSuccessAt ?? 0, at)
                state.failingSince = nil
            } else {
                state.health.recordFailure("Deliveries are failing: \(outcome.summary). Switchboard keeps retrying; check the endpoint.")
                if outcome.endpointGone {
                    state.health.pause(.endpointFailing, detail: "The endpoint answered 410 Gone: fix or replace the URL, then resume and re-send.")
                }
                state.lastFailureAt = max(state.lastFailureAt ?? 0, at)
                state.failingSince = state.failingSince ?? at
            }
        }
        if let pauseAfterFailing, let since = state.failingSince, state.health.status != .paused,
            Timestamp.milliseconds(now) - since >= Int64(pauseAfterFailing * 1000)
        {
            state.health.pause(.endpointFailing)
        }
        return state
    }
}
