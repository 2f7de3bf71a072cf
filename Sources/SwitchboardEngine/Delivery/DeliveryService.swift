import Foundation
import SwitchboardStore

/// What a manager does to one delivery: re-send it. The dispatcher of this process is woken at once.
public struct DeliveryService: Sendable {
    let store: Store
    let dispatch: LocalDispatch

    public init(store: Store, dispatch: LocalDispatch) {
        self.store = store
        self.dispatch = dispatch
    }

    /// Puts a finished delivery back in the queue; nil when the workspace has no such delivery. One still waiting,
    /// or of a paused or deleted integration, is a conflict (`not_redeliverable`).
    public func redeliver(workspaceID: String, id: String, now: Date = Date()) async throws -> Delivery? {
        guard let (current, _) = try await store.delivery(workspaceID: workspaceID, id: id) else { return nil }
        guard let delivery = try await store.redeliver(workspaceID: workspaceID, id: id, now: now) else {
            let detail =
                current.status == .pending
                ? "This delivery is already waiting for its next attempt."
                : "The integration of this delivery is paused or deleted: resume it first."
            throw IntegrationError.conflict(reason: "not_redeliverable", detail: detail)
        }
        dispatch.wake()
        return delivery
    }
}
