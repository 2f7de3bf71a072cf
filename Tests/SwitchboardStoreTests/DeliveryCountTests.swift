import Foundation
import SQLKit
import SwitchboardDomain
import SwitchboardStore
import SwitchboardTestSupport
import Testing

@Suite("Delivery counts")
struct DeliveryCountTests {
    @Test("the kept counts equal counting the deliveries after every kind of change", arguments: StoreEngine.allCases)
    func keptCountsMatch(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let now = Date()
            let workspace = try await store.createWorkspace(name: "Acme")
            let first = try await Fixtures.webhook(in: store, workspaceID: workspace.id, events: [.registrationCreated])
            let second = try await Fixtures.webhook(in: store, workspaceID: workspace.id, events: [.registrationCreated])
            let third = try await Fixtures.webhook(in: store, workspaceID: workspace.id, events: [.broadcastSummary])
            let ids = [first.id, second.id, third.id]
            func expectCountsMatch(_ step: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
                let kept = try await store.deliveryCounts(integrationIDs: ids)
                let counted = try await store.database.withConnection { db in
                    try await db.raw("SELECT integration_id, status, COUNT(*) AS n FROM deliveries GROUP BY integration_id, status").all()
                }
                var expected: [String: [DeliveryStatus: Int]] = [:]
                for row in counted {
                    let status = try #require(DeliveryStatus(rawValue: try row.decode(column: "status", as: String.self)))
                    expected[try row.decode(column: "integration_id", as: String.self), default: [:]][status] = try row.decode(
                        column: "n",
                        as: Int.self
                    )
                }
                #expect(kept == expected, "after \(step)", sourceLocation: sourceLocation)
            }

            // Ingest: pending, claimed for a local worker or not; a paused integration's are skipped.
            let claim = IngestClaim(token: "tok", leaseEnds: now.addingTimeInterval(60)) { _ in true }
            let old = now.addingTimeInterval(-40 * 86_400)
            var claimed = try await store.ingest(
                workspaceID: workspace.id,
                events: (0..<4).map { Fixtures.registration("old\($0)@example.com") },
                receivedAt: old,
                claim: claim
            ).claimed
            claimed += try await store.ingest(
                workspaceID: workspace.id,
                events: (0..<4).map { Fixtures.registration("a\($0)@example.com") },
                claim: claim
            ).claimed
            _ = try await store.ingest(workspaceID: workspace.id, events: [Fixtures.registration("later@example.com")])
            try await expectCountsMatch("ingest")
            #expect(try await store.deliveryCounts(integrationID: first.id) == [.pending: 9])

            // Recording: succeeded, failed, a retry and a deferral stay pending; an old success to prune later.
            func result(_ delivery: Delivery, _ decision: DeliveryDecision, at date: Date = now) -> AttemptResult {
                AttemptResult(
                    delivery: delivery,
                    outcome: AttemptOutcome(startedAt: date, durationMilliseconds: 1, statusCode: 200),
                    decision: decision
                )
            }
            let byIntegration = Dictionary(grouping: claimed, by: \.integrationId)
            let mine = try #require(byIntegration[first.id])
            let theirs = try #require(byIntegration[second.id])
            try await store.record(mine[0..<4].map { result($0, .succeeded, at: old) }, now: old)
            try await store.record(
                [
                    result(mine[4], .succeeded), result(mine[5], .failed), result(mine[6], .retry(at: now.addingTimeInterval(5))),
                    result(mine[7], .deferred(until: now.addingTimeInterval(5))),
                    // A stale claim records nothing.
                    result(Delivery(copying: theirs[0], claimToken: "stale"), .succeeded),
                ],
                now: now
            )
            try await expectCountsMatch("recording")

            // Re-sending one failed delivery, then every failed one since a time.
            #expect(try await store.redeliver(workspaceID: workspace.id, id: mine[5].id) != nil)
            try await expectCountsMatch("re-sending one")
            try await store.record([result(theirs[1], .failed), result(theirs[2], .failed)], now: now)
            let chunk = try await store.redeliverChunk(
                workspaceID: workspace.id,
                integrationID: second.id,
                status: .failed,
                since: old,
                after: nil,
                limit: 100
            )
            #expect(chunk.queued == 2)
            try await expectCountsMatch("re-sending all failed")

            // A 410 pauses the endpoint as it is recorded: its pending deliveries are skipped in the same transaction.
            let gone = AttemptOutcome(startedAt: now, durationMilliseconds: 1, statusCode: 410)
            try await store.record([AttemptResult(delivery: theirs[3], outcome: gone, decision: .failed)], now: now)
            #expect(try await store.integration(workspaceID: workspace.id, id: second.id)?.status == .paused)
            try await expectCountsMatch("a 410 while recording")

            // Pausing skips what is pending; deleting cancels it.
            _ = try await store.ingest(workspaceID: workspace.id, events: [Fixtures.registration("more@example.com")])
            let unpaused = try #require(try await store.integration(workspaceID: workspace.id, id: first.id))
            var paused = unpaused
            var health = paused.health
            health.pause(.manual)
            paused.health = health
            try await store.updateIntegration(paused, from: unpaused)
            try await expectCountsMatch("pausing")
            _ = try await store.ingest(workspaceID: workspace.id, events: [Fixtures.ended()])
            #expect(try await store.deliveryCounts(integrationID: third.id) == [.pending: 1])
            #expect(try await store.deleteIntegration(workspaceID: workspace.id, id: third.id))
            try await expectCountsMatch("deleting")

            // Retention removes what is old.
            let pruned = try await store.pruneHistory(before: now.addingTimeInterval(-30 * 86_400))
            #expect(pruned.deliveries == 4)
            try await expectCountsMatch("pruning")
        }
    }
}

extension Delivery {
    /// The delivery as a worker holding `claimToken` sees it.
    fileprivate init(copying delivery: Delivery, claimToken: String?) {
        self = delivery
        self.claimToken = claimToken
    }
}
