import Foundation
import Hummingbird
import SwitchboardEngine
import SwitchboardHTTP
import SwitchboardStore

/// `/settings/jobs/{id}`: a resync or bulk re-send as it runs. The page works alone (reload to update); its script
/// polls `…/progress` once a second and moves the bar.
struct JobPages {
    let pages: IntegrationPages
    let workspaces: WorkspaceService

    func register(on group: RouterGroup<SwitchboardRequestContext>) {
        group.get("/settings/jobs/:id", use: show)
        group.get("/settings/jobs/:id/progress", use: progress)
        group.post("/settings/jobs/:id/cancel", use: cancel)
    }

    @Sendable func show(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let session = try pages.session(context)
        guard let job = try await job(context) else { return missing() }
        var integration: Integration?
        if let id = job.integrationId { integration = try await pages.store.integration(workspaceID: session.workspaceId, id: id) }
        let view = JobPageView(
            chrome: try await pages.chrome(request, session: session, title: JobView(job).title),
            job: JobView(job),
            integrationLabel: integration?.label ?? "the integration",
            integrationHref: integration.map { "/settings/integrations/\($0.id)" }
        )
        return pages.pages.page("job", view)
    }

    @Sendable func progress(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        guard let job = try await job(context) else { return missing() }
        var response = try JSONResponse.make(JobView(job))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func cancel(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let session = try pages.session(context)
        let id = try context.parameters.require("id")
        guard try await workspaces.cancelJob(workspaceID: session.workspaceId, id: id) != nil else { return missing() }
        return PageRenderer.redirect("/settings/jobs/\(id)")
    }

    private func job(_ context: SwitchboardRequestContext) async throws -> Job? {
        try await pages.store.job(workspaceID: try pages.session(context).workspaceId, id: try context.parameters.require("id"))
    }

    private func missing() -> Response {
        pages.pages.message(
            status: .notFound,
            title: "No such job",
            text: "It belongs to another workspace, or never existed.",
            back: "/settings/integrations"
        )
    }
}
