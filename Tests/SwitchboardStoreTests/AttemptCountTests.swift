import Foundation
import SwitchboardDomain
import SwitchboardStore
import SwitchboardTestSupport
import Testing

@Suite("Attempt counts for the deliveries chart")
struct AttemptCountTests {
    @Test("attempts are counted per period, succeeded (2xx) apart from failed, for one integration only", arguments: StoreEngine.allCases)
    func perPeriod(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let hour: Int64 = 3_600_000
            // The start of an hour, and attempts 10 minutes and 70 minutes into it.
            let start = Date(timeIntervalSince1970: Double(Int64(Date().timeIntervalSince1970 * 1000) / hour * hour - 5 * hour) / 1000)
            let workspace = try await store.createWorkspace(name: "Acme")
            let charted = try await Fixtures.webhook(in: store, workspaceID: workspace.id, events: [.registrationCreated])
            let claim = IngestClaim(token: "tok", leaseEnds: start.addingTimeInterval(600)) { _ in true }
            let claimed = try await store.ingest(
                workspaceID: workspace.id,
                events: (0..<3).map { Fixtures.registration("p\($0)@example.com") },
                receivedAt: start,
                claim: claim
            ).claimed
            let mine = claimed.filter { $0.integrationId == charted.id }
            #expect(mine.count == 3)
            func attempt(_ delivery: Delivery, status: Int?, minutes: Double, _ decision: DeliveryDecision) -> AttemptResult {
                AttemptResult(
                    delivery: delivery,
                    outcome: AttemptOutcome(startedAt: start.addingTimeInterval(minutes * 60), durationMilliseconds: 3, statusCode: status),
                    decision: decision
                )
            }
            _ = try await store.record(
                [
                    attempt(mine[0], status: 200, minutes: 10, .succeeded),
                    attempt(mine[1], status: 500, minutes: 10, .retry(at: start.addingTimeInterval(3600))),
                    attempt(mine[2], status: nil, minutes: 10, .retry(at: start.addingTimeInterval(3600))),
                ],
                now: start.addingTimeInterval(600)
            )

            let buckets = try await store.attemptCounts(
                workspaceID: workspace.id,
                integrationID: charted.id,
                since: start.addingTimeInterval(-3600),
                bucket: hour
            )
            #expect(buckets == [AttemptBucket(start: Timestamp.milliseconds(start), succeeded: 1, failed: 2)])
            let other = try await store.createWorkspace(name: "Other")
            #expect(try await store.attemptCounts(workspaceID: other.id, integrationID: charted.id, since: start, bucket: hour).isEmpty)
            #expect(
                try await store.attemptCounts(
                    workspaceID: workspace.id,
                    integrationID: charted.id,
                    since: start.addingTimeInterval(3600),
                    bucket: hour
                ).isEmpty
            )
        }
    }
}
