import Foundation
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardStore
import SwitchboardTestSupport
import Testing

@Suite("History retention service")
struct HistoryRetentionTests {
    @Test("running, it prunes each period what is older than its days and leaves the rest")
    func prunesPeriodically() async throws {
        try await withStore(.sqlite) { store in
            let now = Date()
            let workspace = try await store.createWorkspace(name: "Acme")
            try await Fixtures.webhook(in: store, workspaceID: workspace.id, status: .paused)
            // Paused: each event leaves a finished (skipped) delivery.
            _ = try await store.ingest(
                workspaceID: workspace.id,
                events: [Fixtures.registration("old@example.com")],
                receivedAt: now.addingTimeInterval(-8 * 86_400)
            )
            let kept = try await store.ingest(
                workspaceID: workspace.id,
                events: [Fixtures.registration("new@example.com")],
                receivedAt: now.addingTimeInterval(-6 * 86_400)
            )

            let retention = HistoryRetention(store: store, days: 7, interval: .milliseconds(50), logger: testLogger)
            let running = Task { try await retention.run() }
            var left: [Delivery] = []
            for _ in 0..<100 {
                try await Task.sleep(for: .milliseconds(50))
                left = try await store.deliveries(workspaceID: workspace.id, filter: DeliveryFilter(), limit: 10, cursor: nil).items
                if left.count < 2 { break }
            }
            running.cancel()
            _ = try? await running.value
            #expect(left.map(\.eventId) == [kept[0].id])
        }
    }
}
