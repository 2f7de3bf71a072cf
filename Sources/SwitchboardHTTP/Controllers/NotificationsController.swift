import Hummingbird
import SwitchboardEngine
import SwitchboardStore

/// `/v1/notifications`: in-app messages to the workspace's managers.
struct NotificationsController {
    let store: Store
    let workspaces: WorkspaceService

    func register(on group: RouterGroup<SwitchboardRequestContext>) {
        group.get(use: list)
        group.post(":id/read", use: markRead)
    }

    @Sendable func list(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let (limit, cursor) = try request.pagination()
        let page = try await store.notifications(workspaceID: try context.workspaceID(), limit: limit, cursor: cursor)
        return try JSONResponse.make(ListResponse(data: page.items.map(NotificationResponse.init), nextCursor: page.nextCursor))
    }

    @Sendable func markRead(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        guard
            let notification = try await workspaces.markNotificationRead(
                workspaceID: try context.managerWorkspaceID(),
                id: try context.parameters.require("id")
            )
        else { throw APIError.notFound("notification") }
        return try JSONResponse.make(NotificationResponse(notification: notification))
    }
}
