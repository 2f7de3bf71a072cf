import Foundation
import Logging
import ServiceLifecycle
import SwitchboardDomain
import SwitchboardStore

/// Tells integrations about the workspace's alerts: each notification that an integration was paused becomes one
/// `integration.alert` event, fanned out like any other to the integrations that want it (Slack's
/// `integration_alert`). The notification is the record; its id is the event's idempotency key, so a relay repeated
/// by a crash or by another worker changes nothing.
public struct AlertRelay: Service {
    let store: Store
    let localDispatch: LocalDispatch
    let pollInterval: Duration
    let logger: Logger

    /// The notification kind relayed, and the event's idempotency key prefix.
    static let pausedKind = "integration.paused"
    static let keyPrefix = "switchboard-alert-"

    public init(store: Store, localDispatch: LocalDispatch, pollInterval: Duration = .seconds(1), logger: Logger) {
        self.store = store
        self.localDispatch = localDispatch
        self.pollInterval = pollInterval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let relayed = await relayPending()
            if relayed == 0 { try? await Task.sleep(for: pollInterval) }
        }
    }

    /// Relays what is waiting, a batch at a time; returns how many notifications it took.
    @discardableResult
    public func relayPending() async -> Int {
        do {
            let batch = try await store.unrelayedNotifications(limit: 100)
            for (workspaceID, notifications) in Dictionary(grouping: batch, by: \.workspaceId) {
                var events: [InboundEvent] = []
                for notification in notifications where notification.kind == Self.pausedKind {
                    events.append(try await alert(for: notification))
                }
                if !events.isEmpty { _ = try await localDispatch.ingest(events, workspaceID: workspaceID, into: store) }
            }
            try await store.markNotificationsRelayed(ids: batch.map(\.id))
            return batch.count
        } catch {
            logger.warning("relaying alerts to integrations failed", metadata: ["error": "\(error)"])
            return 0
        }
    }

    /// The event of a paused integration's notification: which integration, and what its notice said.
    func alert(for notification: SwitchboardStore.Notification) async throws -> InboundEvent {
        var integration: Integration?
        if let id = notification.integrationId { integration = try await store.integration(workspaceID: notification.workspaceId, id: id) }
        var described: [String: JSONValue] = [
            "status": "paused", "status_detail": .string(notification.body), "title": .string(notification.title),
        ]
        if let id = notification.integrationId { described["id"] = .string(id) }
        if let integration {
            described["label"] = .string(integration.label)
            described["provider"] = .string(integration.provider)
            if let reason = integration.pauseReason { described["pause_reason"] = .string(reason.rawValue) }
        }
        return InboundEvent(
            type: .integrationPaused,
            idempotencyKey: Self.keyPrefix + notification.id,
            occurredAt: Date(timeIntervalSince1970: TimeInterval(notification.createdAt) / 1000),
            data: ["integration": .object(described), "notification_id": .string(notification.id)]
        )
    }
}
