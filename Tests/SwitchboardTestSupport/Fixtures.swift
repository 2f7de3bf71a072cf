import Foundation
import SwitchboardDomain
import SwitchboardStore

/// Small builders that hide setup from the tests.
public enum Fixtures {
    /// A webhook integration row, stored.
    @discardableResult
    public static func webhook(
        in store: Store,
        workspaceID: String,
        url: String = "https://example.com/hook",
        events: [OutboundEventType] = OutboundEventType.webhookEvents,
        status: IntegrationStatus = .active,
        now: Date = Date()
    ) async throws -> Integration {
        let settings = String(decoding: try JSONEncoder().encode(WebhookSettings(url: url, events: events)), as: UTF8.self)
        let integration = Integration(
            id: Identifier.make("int", at: now),
            workspaceId: workspaceID,
            provider: "webhook",
            label: "Test hook",
            settings: settings,
            health: IntegrationHealth(status: status),
            createdAt: Timestamp.milliseconds(now)
        )
        try await store.insertIntegration(integration)
        return integration
    }

    /// A `registration.created` event for `email`.
    public static func registration(_ email: String, broadcast: String = "brd_1", key: String? = nil, at date: Date = Date()) -> InboundEvent {
        InboundEvent(
            type: .registrationCreated,
            idempotencyKey: key ?? "reg-\(broadcast)-\(email)",
            occurredAt: date,
            data: [
                "broadcast": .object(["id": .string(broadcast), "title": .string("Launch week")]),
                "registrant": .object(["email": .string(email), "first_name": .string("Ada")]),
            ]
        )
    }

    /// An `attendance.recorded` event.
    public static func attendance(_ email: String, broadcast: String = "brd_1", seconds: Int) -> InboundEvent {
        InboundEvent(
            type: .attendanceRecorded,
            idempotencyKey: "att-\(broadcast)-\(email)-\(seconds)",
            occurredAt: Date(),
            data: [
                "broadcast": .object(["id": .string(broadcast)]), "registrant": .object(["email": .string(email)]),
                "watch_seconds": .number(Double(seconds)),
            ]
        )
    }

    /// A `broadcast.ended` event.
    public static func ended(broadcast: String = "brd_1") -> InboundEvent {
        InboundEvent(
            type: .broadcastEnded,
            idempotencyKey: "end-\(broadcast)",
            occurredAt: Date(),
            data: ["broadcast": .object(["id": .string(broadcast), "title": .string("Launch week")])]
        )
    }
}
