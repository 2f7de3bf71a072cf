import Hummingbird
import SwitchboardEngine
import SwitchboardStore

/// `/v1/jobs`: progress and cancellation of background work.
struct JobsController {
    let store: Store
    let workspaces: WorkspaceService

    func register(on group: RouterGroup<SwitchboardRequestContext>) {
        group.get(":id", use: show)
        group.post(":id/cancel", use: cancel)
    }

    @Sendable func show(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        guard let job = try await store.job(workspaceID: try context.workspaceID(), id: try context.parameters.require("id")) else {
            throw APIError.notFound("job")
        }
        return try JSONResponse.make(JobResponse(job: job))
    }

    @Sendable func cancel(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        guard let job = try await workspaces.cancelJob(workspaceID: try context.managerWorkspaceID(), id: try context.parameters.require("id")) else {
            throw APIError.notFound("job")
        }
        return try JSONResponse.make(JobResponse(job: job))
    }
}
