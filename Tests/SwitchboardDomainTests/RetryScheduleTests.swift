import Foundation
import SwitchboardDomain
import Testing

@Suite("Retry schedule")
struct RetryScheduleTests {
    let now = Date(timeIntervalSince1970: 1_764_000_000)

    @Test("without jitter the waits are 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then none")
    func standardWaits() {
        let schedule = RetrySchedule.standard
        let waits = (1...8).map { schedule.delay(afterFailures: $0, random: 0) }
        #expect(waits == [5, 300, 1800, 7200, 18000, 36000, 36000, nil])
        #expect(schedule.maximumAttempts == 8)
    }

    @Test("jitter stays within ten percent")
    func jitterIsBounded() {
        for _ in 0..<200 {
            let wait = RetrySchedule.standard.delay(afterFailures: 2)!
            #expect(wait >= 270 && wait <= 330)
        }
    }

    @Test("Retry-After longer than the schedule is honoured; a shorter one does not hurry the schedule")
    func retryAfter() {
        #expect(RetrySchedule.standard.delay(afterFailures: 1, retryAfter: 60, random: 0) == 60)
        #expect(RetrySchedule.standard.delay(afterFailures: 2, retryAfter: 1, random: 0) == 300)
    }

    @Test("a success ends the delivery, a failure schedules the next attempt, the last failure fails it")
    func decisions() {
        let ok = AttemptOutcome(startedAt: now, durationMilliseconds: 3, statusCode: 204)
        let bad = AttemptOutcome(startedAt: now, durationMilliseconds: 3, statusCode: 500)
        let schedule = RetrySchedule.standard
        #expect(DeliveryDecision.after(ok, previousFailures: 3, schedule: schedule, now: now) == .succeeded)
        #expect(DeliveryDecision.after(bad, previousFailures: 0, schedule: schedule, now: now, random: 0) == .retry(at: now.addingTimeInterval(5)))
        #expect(DeliveryDecision.after(bad, previousFailures: 7, schedule: schedule, now: now) == .failed)
    }

    @Test("redirects are failures and 410 Gone fails at once")
    func redirectsAndGone() {
        let redirect = AttemptOutcome(startedAt: now, durationMilliseconds: 1, statusCode: 301)
        let gone = AttemptOutcome(startedAt: now, durationMilliseconds: 1, statusCode: 410)
        #expect(!redirect.succeeded)
        #expect(DeliveryDecision.after(gone, previousFailures: 0, schedule: .standard, now: now) == .failed)
    }

    @Test("a scaled schedule keeps its shape")
    func scaled() {
        #expect(RetrySchedule.standard.scaled(by: 0.001).delay(afterFailures: 2, random: 0) == 0.3)
    }
}
