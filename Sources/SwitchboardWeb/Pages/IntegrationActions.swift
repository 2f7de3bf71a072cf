import Foundation
import Hummingbird
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardHTTP
import SwitchboardStore

/// The forms of Settings > Integrations: create, change, and the actions of the Manage drawer. The session middleware
/// has checked the CSRF token and the manager role before any of these runs. Each calls the service the API calls;
/// a refusal redraws the drawer with the reason beside the field it concerns, and changes nothing.
struct IntegrationActions {
    let pages: IntegrationPages
    var service: IntegrationService { pages.service }

    func register(on group: RouterGroup<SwitchboardRequestContext>) {
        group.post("/settings/integrations/new/:provider", use: create)
        group.post("/settings/integrations/:id", use: update)
        group.get("/settings/integrations/:id/delete", use: confirmDelete)
        // Each action its own route: a parameter (`:action`) beside the constant `delete` would not be matched.
        for action in Action.allCases {
            group.post("/settings/integrations/:id/\(action.rawValue)") { request, context in try await act(action, request, context: context) }
        }
    }

    @Sendable func create(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let session = try pages.session(context)
        let name = try context.parameters.require("provider")
        let form = try await Self.form(request, context: context)
        guard let provider = pages.catalogue.provider(name) else { return pages.notFound() }
        // No credentials typed (or "Connect with …" pressed): none sent, so that OAuth, where configured, connects it.
        let typed = provider.credentialsSchema.map { SchemaForm(part: .credentials, schema: $0).object(from: form, partial: false) }
        let viaOAuth = form["connect"] == "oauth" && provider.configuredOAuth != nil
        let credentials = viaOAuth || typed?.isEmpty == true ? nil : typed
        let changes = IntegrationService.Changes(
            label: form["label"].flatMap { $0.isEmpty ? nil : $0 },
            settings: SchemaForm(part: .settings, schema: provider.settingsSchema).object(from: form, partial: false),
            credentials: credentials
        )
        do {
            let integration = try await service.create(workspaceID: session.workspaceId, provider: name, changes: changes)
            if credentials == nil && provider.configuredOAuth != nil {
                return try await authorize(workspaceID: session.workspaceId, id: integration.id)
            }
            return PageRenderer.redirect("/settings/integrations/\(integration.id)?done=created")
        } catch {
            let problem = APIError(explaining: error)
            let drawer = pages.setupForm(provider: name, values: form, errors: problem.errors, error: problem.errors.isEmpty ? problem.detail : nil)
            return try await pages.page(request, context, add: AddDrawerView(setup: drawer), status: problem.status)
        }
    }

    @Sendable func update(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let session = try pages.session(context)
        guard let integration = try await pages.integration(context), let provider = pages.catalogue.provider(integration.provider) else {
            return pages.notFound()
        }
        let form = try await Self.form(request, context: context)
        let credentials = provider.credentialsSchema.map { SchemaForm(part: .credentials, schema: $0).object(from: form, partial: true) }
        let changes = IntegrationService.Changes(
            label: form["label"],
            settings: SchemaForm(part: .settings, schema: provider.settingsSchema).object(from: form, partial: true),
            credentials: credentials?.isEmpty == false ? credentials : nil
        )
        do {
            _ = try await service.update(workspaceID: session.workspaceId, id: integration.id, changes: changes)
            return PageRenderer.redirect("/settings/integrations/\(integration.id)?done=saved")
        } catch {
            let problem = APIError(explaining: error)
            let drawer = try await pages.manageDrawer(
                integration,
                context: context,
                form: form,
                errors: problem.errors,
                error: problem.errors.isEmpty ? problem.detail : "Not saved: correct the fields below."
            )
            return try await pages.page(request, context, manage: drawer, status: problem.status)
        }
    }

    @Sendable func confirmDelete(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let session = try pages.session(context)
        guard let integration = try await pages.integration(context) else { return pages.notFound() }
        let view = ConfirmDeleteView(
            chrome: try await pages.chrome(request, session: session, title: "Delete \(integration.label)"),
            label: integration.label,
            providerName: pages.catalogue.displayName(integration.provider),
            href: "/settings/integrations/\(integration.id)"
        )
        return pages.pages.page("confirm-delete", view)
    }

    /// The Manage drawer's buttons.
    enum Action: String, CaseIterable, Sendable {
        case pause, resume, finish, test, delete, resync, authorize
        case rotateSecret = "rotate-secret"
    }

    func act(_ action: Action, _ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let session = try pages.session(context)
        guard let integration = try await pages.integration(context) else { return pages.notFound() }
        let form = try await Self.form(request, context: context)
        let (workspace, id) = (session.workspaceId, integration.id)
        let page = "/settings/integrations/\(id)"
        do {
            switch action {
            case .pause:
                _ = try await service.pause(workspaceID: workspace, id: id)
                return PageRenderer.redirect(page + "?done=paused")
            case .resume:
                _ = try await service.resume(workspaceID: workspace, id: id)
                return PageRenderer.redirect(page + "?done=resumed")
            case .finish:
                _ = try await service.completeSetup(workspaceID: workspace, id: id)
                return PageRenderer.redirect(page + "?done=finished")
            case .rotateSecret:
                _ = try await service.rotateSigningSecret(workspaceID: workspace, id: id)
                return PageRenderer.redirect(page + "?done=rotated#secret")
            case .authorize:
                return try await authorize(workspaceID: workspace, id: id)
            case .resync:
                let job = try await service.startResync(workspaceID: workspace, id: id, broadcasts: [])
                return PageRenderer.redirect("/settings/jobs/\(job.id)")
            case .delete:
                try await service.delete(workspaceID: workspace, id: id)
                return PageRenderer.redirect("/settings/integrations?done=deleted")
            case .test:
                let type = form["notification_type"].flatMap { $0.isEmpty ? nil : $0 }
                let outcome = try await service.test(workspaceID: workspace, id: id, notificationType: type)
                let fresh = try await pages.integration(context) ?? integration
                let drawer = try await pages.manageDrawer(fresh, context: context, testResult: TestResultView(outcome))
                return try await pages.page(request, context, manage: drawer)
            }
        } catch {
            let problem = APIError(explaining: error)
            let fresh = try await pages.integration(context) ?? integration
            let drawer = try await pages.manageDrawer(fresh, context: context, error: problem.detail)
            return try await pages.page(request, context, manage: drawer, status: problem.status)
        }
    }

    /// Off to the provider's consent page, through Switchboard's start link (which binds the flow to this browser).
    private func authorize(workspaceID: String, id: String) async throws -> Response {
        let flow = try await service.beginAuthorization(workspaceID: workspaceID, id: id)
        return PageRenderer.redirect(OAuthController.startURL(publicURL: pages.dependencies.publicURL, flow: flow))
    }

    /// The submitted form (its body was read and checked by the session middleware; reading it again is cheap).
    static func form(_ request: Request, context: SwitchboardRequestContext) async throws -> FormFields {
        var request = request
        return try await FormFields(posted: &request, context: context)
    }
}

/// Delete's confirmation page (`confirm-delete.mustache`).
struct ConfirmDeleteView: Sendable {
    var chrome: Chrome
    var label: String
    var providerName: String
    var href: String
}

extension TestResultView {
    /// A test's attempt as the drawer shows it: the outcome, the endpoint's status and latency, and the start of its answer.
    init(_ outcome: AttemptOutcome) {
        let failure = outcome.refusal?.detail ?? outcome.errorMessage ?? outcome.statusCode.map { "The endpoint answered \($0)." } ?? "Failed."
        self.init(
            succeeded: outcome.succeeded,
            summary: outcome.succeeded ? "Delivered." : failure,
            statusCode: outcome.statusCode.map(String.init),
            latency: "\(outcome.durationMilliseconds) ms",
            excerpt: outcome.responseBody.map { String($0.prefix(300)) }.flatMap { $0.isEmpty ? nil : $0 }
        )
    }
}
