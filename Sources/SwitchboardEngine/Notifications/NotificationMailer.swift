import Foundation
import Logging
import ServiceLifecycle
import SwitchboardDomain
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
                // Addresses saved before they were checked with the mailer's rule are left out, not allowed to stop the rest.
                let (recipients, unusable) = try await store.managerEmails(workspaceID: notification.workspaceId).partitioned(
                    by: EmailAddress.isMailbox
                )
                if !unusable.isEmpty {
                    logger.warning(
                        "left out manager emails the mailer cannot use",
                        metadata: ["workspace": "\(notification.workspaceId)", "count": "\(unusable.count)"]
                    )
                }
                guard !recipients.isEmpty else { continue }
                try await smtp.send(to: recipients, subject: "[Switchboard] \(notification.title)", body: Self.body(of: notification))
            } catch let error as SMTPError {
                // Insecure is the operator's setting, not a passing failure: said louder, for the operator to fix.
                if case .insecure = error {
                    logger.error("emailing notifications is refused until SWITCHBOARD_SMTP_URL is fixed", metadata: ["error": "\(error)"])
                } else {
                    logger.warning("emailing a notification failed", metadata: ["notification": "\(notification.id)", "error": "\(error)"])
                }
                try? await store.notificationEmailFailed(id: notification.id, maxAttempts: Self.maxAttempts)
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

extension Array {
    /// The elements that pass, and those that do not, each in their order.
    fileprivate func partitioned(by passes: (Element) -> Bool) -> (passing: [Element], failing: [Element]) {
        reduce(into: ([], [])) { parts, element in
            if passes(element) { parts.passing.append(element) } else { parts.failing.append(element) }
        }
    }
}
