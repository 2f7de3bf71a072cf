import Foundation
import Hummingbird
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardStore

/// `/v1/integrations`: Manage Integration, pause, resume, test, signing secret, bulk re-send, and for
/// contact-sync providers Finish (complete-setup) and the selector options.
struct IntegrationsController {
    let dependencies: AppDependencies
    var store: Store { dependencies.store }
    var service: IntegrationService { dependencies.integrations }

    func register(on group: RouterGroup<SwitchboardRequestContext>) {
        group.post(use: create)
        group.get(use: list)
        group.get(":id", use: show)
        group.patch(":id", use: update)
        group.delete(":id", use: delete)
        group.post(":id/pause", use: pause)
        group.post(":id/resume", use: resume)
        group.post(":id/test", use: test)
        group.get(":id/secret", use: secret)
        group.post(":id/secret/rotate", use: rotateSecret)
        group.post(":id/redeliver", use: redeliver)
        group.post(":id/complete-setup", use: completeSetup)
        group.get(":id/options", use: options)
        group.post(":id/resync", use: resync)
        group.post(":id/authorize", use: authorize)
    }

    struct AuthorizeResponse: Encodable {
        let authorizeURL: String
        enum CodingKeys: String, CodingKey {
            case authorizeURL = "authorize_url"
        }
    }

    /// Starts connecting through the provider's OAuth: the link to open in the manager's browser (Switchboard's
    /// start page, which binds the connection to that browser and sends it on to the provider).
    @Sendable func authorize(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let workspaceID = try context.managerWorkspaceID()
        let flow = try await service.beginAuthorization(workspaceID: workspaceID, id: try context.parameters.require("id"))
        return try JSONResponse.make(AuthorizeResponse(authorizeURL: OAuthController.startURL(publicURL: dependencies.publicURL, flow: flow)))
    }

    @Sendable func create(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let workspaceID = try context.managerWorkspaceID()
        let body = try await request.jsonObject(context: context)
        var reader = FieldReader(body)
        let provider = reader.string("provider")
        reader.refuseOthers(["provider", "label", "settings", "credentials"])
        let changes = readChanges(&reader)
        if provider == nil && !reader.errors.contains(where: { $0.field == "provider" }) {
            reader.errors.append(FieldError(field: "provider", message: "is required"))
        }
        guard reader.errors.isEmpty, let provider else { throw APIError.invalid(reader.errors) }
        let integration = try await service.create(workspaceID: workspaceID, provider: provider, changes: changes)
        return try await respond(integration, status: .created)
    }

    @Sendable func list(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let workspaceID = try context.workspaceID()
        let (limit, cursor) = try request.pagination()
        let page = try await store.integrations(workspaceID: workspaceID, limit: limit, cursor: cursor)
        let counts = try await store.deliveryCounts(integrationIDs: page.items.map(\.id))
        let items = page.items.map {
            IntegrationResponse(
                integration: $0,
                counts: counts[$0.id] ?? [:],
                category: service.category(of: $0),
                credentialHints: service.credentialHints(of: $0)
            )
        }
        return try JSONResponse.make(ListResponse(data: items, nextCursor: page.nextCursor))
    }

    @Sendable func show(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        try await respond(try await load(request, context: context))
    }

    @Sendable func update(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let workspaceID = try context.managerWorkspaceID()
        let id = try context.parameters.require("id")
        let current = try await load(request, context: context)
        let body = try await request.jsonObject(context: context)
        var reader = FieldReader(body)
        let changes = readChanges(&reader)
        reader.refuseOthers(["label", "settings", "credentials"], saying: "cannot be changed")
        // Another provider's fields are a conflict with this integration's provider (409) before they are field errors.
        try service.refuseAnotherProvidersFields(changes, for: current)
        guard reader.errors.isEmpty else { throw APIError.invalid(reader.errors) }
        return try await respond(try await service.update(workspaceID: workspaceID, id: id, changes: changes))
    }

    @Sendable func delete(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let workspaceID = try context.managerWorkspaceID()
        try await service.delete(workspaceID: workspaceID, id: try context.parameters.require("id"))
        return Response(status: .noContent)
    }

    @Sendable func pause(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let workspaceID = try context.managerWorkspaceID()
        return try await respond(try await service.pause(workspaceID: workspaceID, id: try context.parameters.require("id")))
    }

    @Sendable func resume(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let workspaceID = try context.managerWorkspaceID()
        return try await respond(try await service.resume(workspaceID: workspaceID, id: try context.parameters.require("id")))
    }

    @Sendable func completeSetup(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let workspaceID = try context.managerWorkspaceID()
        return try await respond(try await service.completeSetup(workspaceID: workspaceID, id: try context.parameters.require("id")))
    }

    struct OptionsResponse: Encodable {
        struct Option: Encodable {
            let id: String
            let name: String
        }
        let options: [String: [Option]]
    }

    @Sendable func options(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let workspaceID = try context.workspaceID()
        let options = try await service.options(workspaceID: workspaceID, id: try context.parameters.require("id"))
        return try JSONResponse.make(OptionsResponse(options: options.mapValues { $0.map { OptionsResponse.Option(id: $0.id, name: $0.name) } }))
    }

    /// Resync Historical Contacts: `{"broadcast_ids": [...]}` (optional; all registrations when absent) → 202 with the job.
    @Sendable func resync(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let workspaceID = try context.managerWorkspaceID()
        let id = try context.parameters.require("id")
        _ = try await load(request, context: context)
        let body = try await request.jsonObject(context: context, allowEmpty: true)
        var reader = FieldReader(body)
        let broadcasts = reader.strings("broadcast_ids") ?? []
        reader.refuseOthers(["broadcast_ids"], saying: "is not a resync option")
        guard reader.errors.isEmpty else { throw APIError.invalid(reader.errors) }
        let job = try await service.startResync(workspaceID: workspaceID, id: id, broadcasts: broadcasts)
        return try JSONResponse.make(JobResponse(job: job), status: .accepted)
    }

    /// The integration as the API shows it, with its delivery counts and masked credentials.
    private func respond(_ integration: Integration, status: HTTPResponse.Status = .ok) async throws -> Response {
        try JSONResponse.make(
            IntegrationResponse(
                integration: integration,
                counts: try await store.deliveryCounts(integrationID: integration.id),
                category: service.category(of: integration),
                credentialHints: service.credentialHints(of: integration)
            ),
            status: status
        )
    }

    /// Test (webhook: a signed sample) or Send Test Notification: `{"notification_type": …}` for providers that send them.
    @Sendable func test(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let workspaceID = try context.managerWorkspaceID()
        let id = try context.parameters.require("id")
        _ = try await load(request, context: context)
        var reader = FieldReader(try await request.jsonObject(context: context, allowEmpty: true))
        let notificationType = reader.string("notification_type")
        reader.refuseOthers(["notification_type"], saying: "is not a test option")
        guard reader.errors.isEmpty else { throw APIError.invalid(reader.errors) }
        let outcome = try await service.test(workspaceID: workspaceID, id: id, notificationType: notificationType)
        return try JSONResponse.make(AttemptResponse(outcome: outcome))
    }

    struct SecretResponse: Encodable {
        let secret: String
        /// While a rotation's grace runs, when the previous secret stops signing; null otherwise.
        let previousSecretExpiresAt: String?
        enum CodingKeys: String, CodingKey {
            case secret
            case previousSecretExpiresAt = "previous_secret_expires_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(secret, forKey: .secret)
            try container.encode(previousSecretExpiresAt, forKey: .previousSecretExpiresAt)
        }
    }

    @Sendable func secret(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let workspaceID = try context.managerWorkspaceID()
        let (secret, graceEnd) = try await service.signingSecret(workspaceID: workspaceID, id: try context.parameters.require("id"))
        return try JSONResponse.make(SecretResponse(secret: secret, previousSecretExpiresAt: graceEnd.map(Timestamp.format)))
    }

    @Sendable func rotateSecret(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let workspaceID = try context.managerWorkspaceID()
        let (secret, expires) = try await service.rotateSigningSecret(workspaceID: workspaceID, id: try context.parameters.require("id"))
        return try JSONResponse.make(SecretResponse(secret: secret, previousSecretExpiresAt: Timestamp.format(expires)))
    }

    @Sendable func redeliver(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let workspaceID = try context.managerWorkspaceID()
        let integration = try await load(request, context: context)
        let body = try await request.jsonObject(context: context)
        var reader = FieldReader(body)
        let statusText = reader.string("status")
        let sinceText = reader.string("since")
        reader.refuseOthers(["status", "since"])
        let status = statusText.flatMap(DeliveryStatus.init(rawValue:))
        if status != .failed && status != .skipped { reader.errors.append(FieldError(field: "status", message: "must be \"failed\" or \"skipped\"")) }
        let since = sinceText.flatMap(Timestamp.parse)
        if since == nil { reader.errors.append(FieldError(field: "since", message: "is required, as an RFC 3339 time")) }
        guard reader.errors.isEmpty, let status, let since else { throw APIError.invalid(reader.errors) }
        // Nothing is sent while paused: re-sent deliveries would only wait, or be skipped again.
        if integration.status == .paused {
            throw APIError.conflict(
                code: "integration_paused",
                detail: "Resume the integration before re-sending its \(status.rawValue) deliveries; nothing is sent while it is paused."
            )
        }
        let job = try await BulkRedelivery.start(store: store, workspaceID: workspaceID, integrationID: integration.id, status: status, since: since)
        return try JSONResponse.make(JobResponse(job: job), status: .accepted)
    }

    private func load(_ request: Request, context: SwitchboardRequestContext) async throws -> Integration {
        let workspaceID = try context.workspaceID()
        guard let integration = try await store.integration(workspaceID: workspaceID, id: try context.parameters.require("id")) else {
            throw APIError.notFound("integration")
        }
        return integration
    }

    private func readChanges(_ reader: inout FieldReader) -> IntegrationService.Changes {
        // The settings and credentials objects are the provider's to read (the webhook's: `IntegrationService`).
        IntegrationService.Changes(label: reader.string("label"), settings: reader.object("settings"), credentials: reader.object("credentials"))
    }
}
