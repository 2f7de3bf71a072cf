import Foundation
import SwitchboardDomain
import Testing

@Suite("Health rules of a recorded batch")
struct HealthRulesTests {
    let start = Date(timeIntervalSince1970: 1_764_000_000)

    func failure(at date: Date) -> AttemptOutcome {
        AttemptOutcome(startedAt: date, durationMilliseconds: 1, errorClass: .connect, errorMessage: "connection refused")
    }

    @Test("failing five days without a success pauses endpoint_failing only where the provider asks for it")
    func pauseAfterFailing() {
        let healthy = HealthState(health: .active, lastSuccessAt: nil, lastFailureAt: nil, failingSince: nil)
        let first = HealthRules.apply([failure(at: start)], to: healthy, pauseAfterFailing: HealthRules.endpointFailingAfter, now: start)
        #expect(first.health.status == .failedSync && first.failingSince == Timestamp.milliseconds(start))
        let later = start.addingTimeInterval(HealthRules.endpointFailingAfter + 1)
        let webhook = HealthRules.apply([failure(at: later)], to: first, pauseAfterFailing: HealthRules.endpointFailingAfter, now: later)
        #expect(webhook.health.pauseReason == .endpointFailing)
        let contactSync = HealthRules.apply([failure(at: later)], to: first, pauseAfterFailing: nil, now: later)
        #expect(contactSync.health.status == .failedSync, "a provider without the rule keeps retrying")
    }

    @Test("a success recovers and ends the run of failures; a long wait shows failed_sync without starting one")
    func recovery() {
        let failing = HealthRules.apply(
            [failure(at: start)],
            to: HealthState(health: .active, lastSuccessAt: nil, lastFailureAt: nil, failingSince: nil),
            pauseAfterFailing: nil,
            now: start
        )
        var quota = AttemptOutcome(startedAt: start, durationMilliseconds: 1, statusCode: 429)
        quota.throttled = true
        quota.quotaDetail = "the daily limit is used up"
        let waiting = HealthRules.apply(
            [quota],
            to: HealthState(health: .active, lastSuccessAt: nil, lastFailureAt: nil, failingSince: nil),
            pauseAfterFailing: nil,
            now: start
        )
        #expect(waiting.health.statusDetail == "the daily limit is used up" && waiting.failingSince == nil)
        let ok = AttemptOutcome(startedAt: start.addingTimeInterval(1), durationMilliseconds: 1, statusCode: 200)
        let recovered = HealthRules.apply([ok], to: failing, pauseAfterFailing: nil, now: start)
        #expect(recovered.health == .active && recovered.failingSince == nil)
    }
}
