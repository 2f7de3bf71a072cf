import Foundation
import Logging
import ServiceLifecycle
import SwitchboardStore

/// Emails each new in-app notification (integration paused, credentials expired, resync finished) to the
/// workspace's managers — the addresses on its manager API keys — through the operator's SMTP relay.
/// Workers share the work: each notification is claimed by one of them; a failed send is tried again later,
/// up to `maxAttempts` times.
public struct NotificationMailer: Service {
    let store: Store
    let smtp: SMTPClient
    let pollInterval: Duration
    let logger: Logger

    /// Sends of one notification before it is given up on.
    public static let maxAttempts = 5

    public init(store: Store, smtp: SMTPClient, pollInterval: Duration = .seconds(2), logger: Logger) {
        self.store = store
        self.smtp = smtp
        self.pollInterval = pollInterval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let sent = await sendPending()
            if sent == 0 { try? await Task.sleep(for: pollInterval) }
        }
    }

    /// Sends what is waiting, a batch at a time; returns how many notifications it took.
    @discardableResult
    public func sendPending(now: Date = Date()) async -> Int {
        let batch: [SwitchboardStore.Notification]
        do {
            batch = try await store.claimUnsentNotifications(limit: 20, now: now)
        } catch {
            logger.warning("reading notifications to email failed", metadata: ["error": "\(error)"])
            return 0
        }
        for notification in batch {
            do {
                let recipients = try await store.managerEmails(workspaceID: notification.workspaceId)
                guard !recipients.isEmpty else { continue }
                try await smtp.send(to: recipients, subject: "[Switchboard] \(notification.title)", body: Self.body(of: notification))
            } catch {
                logger.warning("emailing a notification failed", metadata: ["notification": "\(notification.id)", "error": "\(error)"])
                try? await store.notificationEmailFailed(id: notification.id, maxAttempts: Self.maxAttempts)
            }
        }
        return batch.count
    }

    static func body(of notification: SwitchboardStore.Notification) -> String {
        """
        \(notification.title)

        \(notification.body)

        This message was sent to the managers of your workspace by Switchboard. The same notice is in
        GET /v1/notifications; the integration's page shows its status and what to do.
        """
    }
}
