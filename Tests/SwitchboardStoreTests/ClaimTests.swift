import Foundation
import SwitchboardDomain
import SwitchboardStore
import SwitchboardTestSupport
import Testing

@Suite("Claiming and recording deliveries")
struct ClaimTests {
    func seed(_ store: Store, events count: Int) async throws -> (Workspace, Integration) {
        let workspace = try await store.createWorkspace(name: "Acme")
        let integration = try await Fixtures.webhook(in: store, workspaceID: workspace.id)
        let events = (0..<count).map { Fixtures.registration("u\($0)@example.com") }
        _ = try await store.ingest(workspaceID: workspace.id, events: events)
        return (workspace, integration)
    }

    @Test("concurrent claimers never hold the same delivery", arguments: StoreEngine.allCases)
    func noDoubleClaims(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            _ = try await seed(store, events: 300)
            let claims = try await withThrowingTaskGroup(of: [String].self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var mine: [String] = []
                        while true {
                            let batch = try await store.claimDue(limit: 25, now: Date(), lease: 60, token: "w\(worker)-\(mine.count)")
                            if batch.isEmpty { return mine }
                            mine += batch.map(\.id)
                        }
                    }
                }
                return try await group.reduce(into: [[String]]()) { $0.append($1) }
            }
            let all = claims.flatMap { $0 }
            #expect(all.count == 300)
            #expect(Set(all).count == 300)
        }
    }

    @Test("a claim shares its limit among integrations with due work, whatever one's backlog", arguments: StoreEngine.allCases)
    func fairShares(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let workspace = try await store.createWorkspace(name: "Acme")
            // Three integrations receive every event; the first one's backlog is all anyone would see
            // if claims took the oldest deliveries overall.
            var hooks: [Integration] = []
            for index in 0..<3 { hooks.append(try await Fixtures.webhook(in: store, workspaceID: workspace.id, url: "https://example.com/\(index)")) }
            _ = try await store.ingest(workspaceID: workspace.id, events: (0..<200).map { Fixtures.registration("u\($0)@example.com") })
            let now = Date().addingTimeInterval(1)

            let even = try await store.claimDue(limit: 30, now: now, lease: 60, token: "a")
            #expect(Dictionary(grouping: even, by: \.integrationId).mapValues(\.count) == [hooks[0].id: 10, hooks[1].id: 10, hooks[2].id: 10])

            let (slow, others) = (hooks[0].id, [hooks[1].id, hooks[2].id])
            let withoutSlow = try await store.claimDue(limit: 30, now: now, lease: 60, token: "b", excludingIntegrations: [slow])
            #expect(Set(withoutSlow.map(\.integrationId)) == Set(others), "an excluded integration gets nothing")
            #expect(withoutSlow.count == 30, "its part goes to the others")

            let roomy = try await store.claimDue(limit: 30, now: now, lease: 60, token: "c", room: { $0 == slow ? 2 : 100 })
            let counts = Dictionary(grouping: roomy, by: \.integrationId).mapValues(\.count)
            #expect(counts[slow] == 2, "never more than an integration's room")
            #expect(counts.values.reduce(0, +) == 30)

            let ids = roomy.filter { $0.integrationId == others[0] }.map(\.id)
            #expect(ids == ids.sorted(), "each integration's deliveries come oldest first")
        }
    }

    @Test("a claim shares its limit among workspaces first, whatever one's number of integrations", arguments: StoreEngine.allCases)
    func fairAmongWorkspaces(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let big = try await store.createWorkspace(name: "Big")
            let small = try await store.createWorkspace(name: "Small")
            for index in 0..<20 { _ = try await Fixtures.webhook(in: store, workspaceID: big.id, url: "https://example.com/big\(index)") }
            let hook = try await Fixtures.webhook(in: store, workspaceID: small.id, url: "https://example.com/small")
            _ = try await store.ingest(workspaceID: big.id, events: (0..<10).map { Fixtures.registration("b\($0)@example.com") })
            _ = try await store.ingest(workspaceID: small.id, events: (0..<40).map { Fixtures.registration("s\($0)@example.com") })
            let now = Date().addingTimeInterval(1)

            let claimed = try await store.claimDue(limit: 40, now: now, lease: 60, token: "a")
            let perWorkspace = Dictionary(grouping: claimed, by: \.workspaceId).mapValues(\.count)
            #expect(perWorkspace == [big.id: 20, small.id: 20], "half each, though the big one has 20 integrations to the small one's 1")
            #expect(claimed.filter { $0.workspaceId == small.id }.allSatisfy { $0.integrationId == hook.id })

            let limited = try await store.claimDue(limit: 40, now: now, lease: 60, token: "b", workspaceRoom: { $0 == big.id ? 5 : 100 })
            let counts = Dictionary(grouping: limited, by: \.workspaceId).mapValues(\.count)
            #expect(counts[big.id] == 5, "never more than a workspace's room")
            #expect(counts[small.id] == 20, "the small one's part, all it has left")
        }
    }

    @Test("a lease that runs out returns the delivery to the queue, and the stale worker cannot record", arguments: StoreEngine.allCases)
    func expiredLease(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let (workspace, _) = try await seed(store, events: 1)
            let start = Date()
            let first = try await store.claimDue(limit: 10, now: start, lease: 30, token: "dead-worker")
            #expect(first.count == 1)
            #expect(try await store.claimDue(limit: 10, now: start.addingTimeInterval(10), lease: 30, token: "other").isEmpty)
            let second = try await store.claimDue(limit: 10, now: start.addingTimeInterval(31), lease: 30, token: "live-worker")
            #expect(second.map(\.id) == first.map(\.id))

            let ok = AttemptOutcome(startedAt: start, durationMilliseconds: 5, statusCode: 200)
            try await store.record([AttemptResult(delivery: first[0], outcome: ok, decision: .succeeded)])
            let afterStale = try #require(try await store.delivery(workspaceID: workspace.id, id: first[0].id))
            #expect(afterStale.0.status == .pending, "the dead worker's late result must not overwrite the live claim")

            try await store.record([AttemptResult(delivery: second[0], outcome: ok, decision: .succeeded)])
            let done = try #require(try await store.delivery(workspaceID: workspace.id, id: first[0].id))
            #expect(done.0.status == .succeeded)
            #expect(done.0.attempts == 1)
        }
    }

    @Test("a failure schedules a retry and marks the integration failed_sync; a success restores it", arguments: StoreEngine.allCases)
    func failureThenSuccess(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let (workspace, integration) = try await seed(store, events: 1)
            let now = Date()
            let claimed = try await store.claimDue(limit: 1, now: now, lease: 30, token: "a")
            let failed = AttemptOutcome(startedAt: now, durationMilliseconds: 12, statusCode: 503, responseBody: "busy", retryAfter: 120)
            let decision = DeliveryDecision.after(failed, previousFailures: 0, schedule: .standard, now: now, random: 0)
            let changes = try await store.record([AttemptResult(delivery: claimed[0], outcome: failed, decision: decision)], now: now)
            #expect(changes.map(\.health.status) == [.failedSync])

            let (delivery, attempts) = try #require(try await store.delivery(workspaceID: workspace.id, id: claimed[0].id))
            #expect(delivery.status == .pending)
            #expect(delivery.nextAttemptAt == Timestamp.milliseconds(now.addingTimeInterval(120)))
            #expect(attempts.map(\.statusCode) == [503])
            #expect(attempts.first?.responseBody == "busy")
            let stored = try #require(try await store.integration(workspaceID: workspace.id, id: integration.id))
            #expect(stored.status == .failedSync)
            #expect(stored.statusDetail?.contains("503") == true)

            #expect(try await store.claimDue(limit: 1, now: now.addingTimeInterval(60), lease: 30, token: "b").isEmpty)
            let retry = try await store.claimDue(limit: 1, now: now.addingTimeInterval(121), lease: 30, token: "c")
            #expect(retry.first?.consecutiveFailures == 1)
            let ok = AttemptOutcome(startedAt: now.addingTimeInterval(121), durationMilliseconds: 3, statusCode: 204)
            try await store.record([AttemptResult(delivery: retry[0], outcome: ok, decision: .succeeded)])
            let healed = try #require(try await store.integration(workspaceID: workspace.id, id: integration.id))
            #expect(healed.status == .active)
            #expect(healed.statusDetail == nil)
            #expect(healed.lastSuccessAt != nil)
        }
    }

    @Test("a delivery's log lists every attempt in order with what each recorded, however many were made", arguments: StoreEngine.allCases)
    func everyAttemptListed(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let (workspace, _) = try await seed(store, events: 1)
            let start = Date()
            let outcomes = [
                AttemptOutcome(startedAt: start, durationMilliseconds: 7, errorClass: .connect, errorMessage: "connection refused"),
                AttemptOutcome(startedAt: start.addingTimeInterval(10), durationMilliseconds: 12, statusCode: 503, responseBody: "busy"),
                AttemptOutcome(startedAt: start.addingTimeInterval(20), durationMilliseconds: 3, statusCode: 204, responseBody: "ok"),
            ]
            var id = ""
            for (index, outcome) in outcomes.enumerated() {
                let now = outcome.startedAt
                let claimed = try #require(try await store.claimDue(limit: 1, now: now, lease: 5, token: "t\(index)").first)
                id = claimed.id
                let decision: DeliveryDecision = outcome.statusCode == 204 ? .succeeded : .retry(at: now.addingTimeInterval(1))
                try await store.record([AttemptResult(delivery: claimed, outcome: outcome, decision: decision)], now: now)
            }
            let (delivery, attempts) = try #require(try await store.delivery(workspaceID: workspace.id, id: id))
            #expect(delivery.attempts == 3)
            #expect(delivery.status == .succeeded)
            #expect(attempts.map(\.statusCode) == [nil, 503, 204])
            #expect(attempts.map(\.durationMs) == [7, 12, 3])
            #expect(attempts.map(\.responseBody) == [nil, "busy", "ok"])
            #expect(attempts.map(\.errorClass) == ["connect", nil, nil])
            #expect(attempts.map(\.error) == ["connection refused", nil, nil])
            #expect(attempts.map(\.attemptedAt) == outcomes.map { Timestamp.milliseconds($0.startedAt) })
            #expect(attempts.allSatisfy { $0.deliveryId == id && $0.workspaceId == workspace.id })
            #expect(Set(attempts.map(\.id)).count == 3)
        }
    }

    @Test("five days of failures without a success pause the webhook with endpoint_failing and notify", arguments: StoreEngine.allCases)
    func endpointFailing(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let (workspace, integration) = try await seed(store, events: 2)
            let start = Date()
            let claimed = try await store.claimDue(limit: 1, now: start, lease: 30, token: "a")
            let failed = AttemptOutcome(startedAt: start, durationMilliseconds: 1, errorClass: .connect, errorMessage: "connection refused")
            try await store.record(
                [
                    AttemptResult(
                        delivery: claimed[0],
                        outcome: failed,
                        decision: .retry(at: start.addingTimeInterval(5)),
                        pauseAfterFailing: HealthRules.endpointFailingAfter
                    )
                ],
                now: start
            )

            let later = start.addingTimeInterval(HealthRules.endpointFailingAfter + 1)
            let again = try await store.claimDue(limit: 1, now: later, lease: 30, token: "b")
            let lateFailure = AttemptOutcome(startedAt: later, durationMilliseconds: 1, errorClass: .connect, errorMessage: "connection refused")
            let changes = try await store.record(
                [
                    AttemptResult(
                        delivery: again[0],
                        outcome: lateFailure,
                        decision: .retry(at: later.addingTimeInterval(5)),
                        pauseAfterFailing: HealthRules.endpointFailingAfter
                    )
                ],
                now: later
            )
            #expect(changes.first?.health.pauseReason == .endpointFailing)

            let paused = try #require(try await store.integration(workspaceID: workspace.id, id: integration.id))
            #expect(paused.status == .paused)
            #expect(paused.pauseReason == .endpointFailing)
            let pending = try await store.deliveries(workspaceID: workspace.id, filter: DeliveryFilter(status: .pending), limit: 10, cursor: nil)
            #expect(pending.items.isEmpty, "nothing is sent while paused")
            let notifications = try await store.notifications(workspaceID: workspace.id, limit: 10, cursor: nil)
            #expect(notifications.items.map(\.kind) == ["integration.paused"])
        }
    }

    @Test("re-sending puts a failed delivery back with a fresh schedule; bulk re-send counts what it queued", arguments: StoreEngine.allCases)
    func redeliver(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let (workspace, integration) = try await seed(store, events: 3)
            let now = Date()
            let claimed = try await store.claimDue(limit: 3, now: now, lease: 30, token: "a")
            let gone = AttemptOutcome(startedAt: now, durationMilliseconds: 1, statusCode: 500)
            try await store.record(claimed.map { AttemptResult(delivery: $0, outcome: gone, decision: .failed) }, now: now)

            let one = try await store.redeliver(workspaceID: workspace.id, id: claimed[0].id)
            #expect(one?.status == .pending)
            #expect(one?.consecutiveFailures == 0)
            #expect(try await store.redeliver(workspaceID: workspace.id, id: claimed[0].id) == nil, "already pending")
            let other = try await store.createWorkspace(name: "Other")
            #expect(try await store.redeliver(workspaceID: other.id, id: claimed[1].id) == nil, "another workspace's delivery")

            // In chunks: one at a time, each after the last one looked at, until none is left.
            var (queued, after): (Int, String?) = (0, nil)
            var chunks = 0
            repeat {
                let chunk = try await store.redeliverChunk(
                    workspaceID: workspace.id,
                    integrationID: integration.id,
                    status: .failed,
                    since: now.addingTimeInterval(-60),
                    after: after,
                    limit: 1
                )
                queued += chunk.queued
                after = chunk.last
                chunks += 1
            } while after != nil
            #expect(queued == 2 && chunks == 3)
            #expect(
                try await store.deliveries(workspaceID: workspace.id, filter: DeliveryFilter(status: .failed), limit: 10, cursor: nil).items.isEmpty
            )
        }
    }
}
