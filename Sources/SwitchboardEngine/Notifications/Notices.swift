import Foundation
import SwitchboardDomain
import SwitchboardStore

/// The in-app notifications the engine makes (SPEC §1): what they say is decided here; the store only saves them.
public enum Notices {
    /// The notice that an integration was paused, saying why and what to do (its `status_detail`).
    @Sendable public static func paused(_ integration: Integration, at now: Date) -> SwitchboardStore.Notification {
        SwitchboardStore.Notification(
            id: Identifier.make("ntf", at: now),
            workspaceId: integration.workspaceId,
            integrationId: integration.id,
            kind: AlertRelay.pausedKind,
            title: "\(integration.label) was paused",
            body: integration.statusDetail ?? "",
            createdAt: Timestamp.milliseconds(now)
        )
    }
}
