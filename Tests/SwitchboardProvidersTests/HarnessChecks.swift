import Foundation
import Logging
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardStore
import SwitchboardTestSupport

enum HarnessCheckError: Error {
    case notClaimed
}

/// Checks the provider tests make of an engine harness.
extension EngineHarness {
    /// Runs one validation sweep over the workspace's contact-sync integrations; how many it paused.
    func sweep() async -> Int {
        await ValidationSweep(store: store, integrations: integrations, interval: .seconds(3600), logger: Logger(label: "t")).sweep()
    }

    /// The integration as stored now.
    func stored(_ id: String) async throws -> Integration? {
        try await store.integration(workspaceID: workspace.id, id: id)
    }

    /// Starts a resync of the integration and works it to its end in one runner with `lease`; the job as it ends.
    func resync(_ id: String, lease: TimeInterval = 5) async throws -> Job {
        let job = try await integrations.startResync(workspaceID: workspace.id, id: id)
        let runner = ResyncRunner(store: store, integrations: integrations, workerID: "w", lease: lease, logger: Logger(label: "t"))
        guard let claimed = try await store.claimJob(kinds: ["resync"], worker: "w", now: Date(), lease: lease) else {
            throw HarnessCheckError.notClaimed
        }
        await runner.process(claimed)
        guard let ended = try await store.job(workspaceID: workspace.id, id: job.id) else { throw HarnessCheckError.notClaimed }
        return ended
    }

    /// The integration's deliveries with `status` (up to 50).
    func deliveries(of id: String, _ status: DeliveryStatus) async throws -> [Delivery] {
        try await store.deliveries(workspaceID: workspace.id, filter: DeliveryFilter(integrationID: id, status: status), limit: 50, cursor: nil).items
    }
}
