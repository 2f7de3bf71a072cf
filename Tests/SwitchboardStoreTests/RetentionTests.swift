import Foundation
import SwitchboardDomain
import SwitchboardStore
import SwitchboardTestSupport
import Testing

@Suite("History retention")
struct RetentionTests {
    @Test(
        "finished deliveries older than the retention go with their attempts and events, as do notifications and finished jobs; pending, recent and re-sent ones stay",
        arguments: StoreEngine.allCases
    )
    func prune(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let now = Date()
            let old = now.addingTimeInterval(-40 * 86_400)
            let cutoff = now.addingTimeInterval(-30 * 86_400)
            let workspace = try await store.createWorkspace(name: "Acme")
            try await Fixtures.webhook(in: store, workspaceID: workspace.id, events: [.registrationCreated], now: old)
            let claim = IngestClaim(token: "tok", leaseEnds: old.addingTimeInterval(60)) { _ in true }
            func ingest(_ email: String, at date: Date) async throws -> Delivery {
                let result = try await store.ingest(workspaceID: workspace.id, events: [Fixtures.registration(email)], receivedAt: date, claim: claim)
                return try #require(result.claimed.first)
            }
            func record(_ delivery: Delivery, _ decision: DeliveryDecision, at date: Date) async throws {
                let outcome = AttemptOutcome(startedAt: date, durationMilliseconds: 4, statusCode: decision.status == .succeeded ? 200 : 500)
                try await store.record([AttemptResult(delivery: delivery, outcome: outcome, decision: decision)], now: date)
            }

            let succeeded = try await ingest("done@example.com", at: old)
            try await record(succeeded, .succeeded, at: old)
            let failed = try await ingest("failed@example.com", at: old)
            try await record(failed, .failed, at: old)
            // Still being tried (claimed, never recorded): its event must stay for the attempt's body.
            let pending = try await ingest("pending@example.com", at: old)
            // Old, but its last attempt was recent (a re-send): the log keeps it until its update is as old.
            let resent = try await ingest("resent@example.com", at: old)
            try await record(resent, .succeeded, at: now.addingTimeInterval(-86_400))
            // An old event no integration wanted.
            let unwanted = try await store.ingest(
                workspaceID: workspace.id,
                events: [Fixtures.attendance("x@example.com", seconds: 5)],
                receivedAt: old
            )
            let recent = try await ingest("recent@example.com", at: now)
            try await record(recent, .succeeded, at: now)
            // Old notifications go; old jobs go once finished.
            func notification(at date: Date) async throws -> SwitchboardStore.Notification {
                let notification = SwitchboardStore.Notification(
                    id: Identifier.make("ntf", at: date),
                    workspaceId: workspace.id,
                    integrationId: nil,
                    kind: "integration.paused",
                    title: "Paused",
                    body: "",
                    createdAt: Timestamp.milliseconds(date)
                )
                try await store.insertNotification(notification)
                return notification
            }
            _ = try await notification(at: old)
            let recentNotification = try await notification(at: now)
            func job(at date: Date, _ status: Job.Status) async throws -> Job {
                var job = Job(
                    id: Identifier.make("job", at: date),
                    workspaceId: workspace.id,
                    integrationId: nil,
                    kind: "redeliver",
                    parameters: "{}",
                    createdAt: Timestamp.milliseconds(date)
                )
                try await store.insertJob(job)
                job.status = status
                try await store.updateJob(job)
                return job
            }
            _ = try await job(at: old, .succeeded)
            let running = try await job(at: old, .running)

            let pruned = try await store.pruneHistory(before: cutoff, batch: 1)
            #expect(pruned == PrunedHistory(deliveries: 2, attempts: 2, events: 3, notifications: 1, jobs: 1))
            let notifications = try await store.notifications(workspaceID: workspace.id, limit: 10, cursor: nil)
            #expect(notifications.items.map(\.id) == [recentNotification.id])
            #expect(try await store.job(workspaceID: workspace.id, id: running.id) != nil)

            let left = try await store.deliveries(workspaceID: workspace.id, filter: DeliveryFilter(), limit: 50, cursor: nil)
            #expect(Set(left.items.map(\.id)) == [pending.id, resent.id, recent.id])
            let gone = try await store.delivery(workspaceID: workspace.id, id: succeeded.id)
            #expect(gone == nil)
            let (_, resentAttempts) = try #require(try await store.delivery(workspaceID: workspace.id, id: resent.id))
            #expect(resentAttempts.count == 1)
            let eventIDs = [succeeded, failed, pending, resent, recent].map(\.eventId) + unwanted.map(\.id)
            let events = try await store.events(ids: eventIDs)
            #expect(Set(events.keys) == [pending.eventId, resent.eventId, recent.eventId])

            // Nothing more to do: a second pass removes nothing.
            let again = try await store.pruneHistory(before: cutoff)
            #expect(again == PrunedHistory())
            // A pruned event's idempotency key is forgotten with it: sending it again stores a new event.
            let replay = try await store.ingest(workspaceID: workspace.id, events: [Fixtures.registration("done@example.com")])
            #expect(replay.map(\.duplicate) == [false])
        }
    }
}
