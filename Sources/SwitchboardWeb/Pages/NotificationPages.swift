import Foundation
import Hummingbird
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardHTTP
import SwitchboardStore

/// `/notifications`: what the bell counts — pauses, expired credentials — each linking to its integration.
struct NotificationPages {
    let pages: IntegrationPages
    let workspaces: WorkspaceService

    func register(on group: RouterGroup<SwitchboardRequestContext>) {
        group.get("/notifications", use: show)
        group.post("/notifications/:id/read", use: markRead)
    }

    @Sendable func show(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let session = try pages.session(context)
        let notifications = try await pages.store.notifications(workspaceID: session.workspaceId, limit: 100, cursor: nil).items
        var chrome = try await pages.chrome(request, session: session, title: "Notifications")
        chrome.integrationsCurrent = false
        chrome.notificationsCurrent = true
        let rows = notifications.map {
            NotificationRow(
                id: $0.id,
                title: $0.title,
                body: $0.body,
                at: Timestamp.format(Timestamp.date(milliseconds: $0.createdAt)),
                unread: $0.readAt == nil,
                integrationHref: $0.integrationId.map { "/settings/integrations/\($0)" }
            )
        }
        return pages.pages.page("notifications", NotificationsPageView(chrome: chrome, notifications: rows, hasNotifications: !rows.isEmpty))
    }

    @Sendable func markRead(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let session = try pages.session(context)
        _ = try await workspaces.markNotificationRead(workspaceID: session.workspaceId, id: try context.parameters.require("id"))
        return PageRenderer.redirect("/notifications")
    }
}
