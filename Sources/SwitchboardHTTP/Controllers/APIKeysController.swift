import Hummingbird
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardStore

/// `/v1/api-keys`: managers create and revoke the workspace's keys; a new key is shown once.
struct APIKeysController {
    let store: Store
    let workspaces: WorkspaceService

    func register(on group: RouterGroup<SwitchboardRequestContext>) {
        group.get(use: list)
        group.post(use: create)
        group.delete(":id", use: revoke)
    }

    @Sendable func list(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let keys = try await store.apiKeys(workspaceID: try context.managerWorkspaceID())
        return try JSONResponse.make(ListResponse(data: keys.map { APIKeyResponse(key: $0, plaintext: nil) }, nextCursor: nil))
    }

    @Sendable func create(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let workspaceID = try context.managerWorkspaceID()
        var reader = FieldReader(try await request.jsonObject(context: context))
        let roleText = reader.string("role")
        let label = reader.string("label") ?? "API key"
        let email = reader.string("email")
        reader.refuseOthers(["role", "label", "email"])
        let role = roleText.flatMap(APIKeyRole.init(rawValue:))
        if role == nil { reader.errors.append(FieldError(field: "role", message: "must be \"manager\" or \"member\"")) }
        guard reader.errors.isEmpty, let role else { throw APIError.invalid(reader.errors) }
        let (key, plaintext) = try await workspaces.createAPIKey(workspaceID: workspaceID, role: role, label: label, email: email)
        return try JSONResponse.make(APIKeyResponse(key: key, plaintext: plaintext), status: .created)
    }

    @Sendable func revoke(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let workspaceID = try context.managerWorkspaceID()
        switch try await workspaces.revokeAPIKey(workspaceID: workspaceID, id: try context.parameters.require("id")) {
        case .revoked: return Response(status: .noContent)
        case .notFound: throw APIError.notFound("API key")
        case .lastManager:
            throw APIError.conflict(
                code: "last_manager_key",
                detail: "This is the workspace's last manager key; create another manager key first, then revoke this one."
            )
        }
    }
}
