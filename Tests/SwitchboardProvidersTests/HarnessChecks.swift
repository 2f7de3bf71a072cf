import Logging
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardStore
import SwitchboardTestSupport

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

    /// The integration's deliveries with `status` (up to 50).
    func deliveries(of id: String, _ status: DeliveryStatus) async throws -> [Delivery] {
        try await store.deliveries(workspaceID: workspace.id, filter: DeliveryFilter(integrationID: id, status: status), limit: 50, cursor: nil).items
    }
}
