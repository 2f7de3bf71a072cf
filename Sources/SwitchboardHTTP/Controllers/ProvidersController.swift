import Hummingbird
import SwitchboardEngine

/// `GET /v1/providers`: the catalogue.
struct ProvidersController {
    let catalogue: ProviderCatalogue

    func register(on group: RouterGroup<SwitchboardRequestContext>) {
        group.get("providers") { _, context in
            _ = try context.workspaceID()
            return try JSONResponse.make(ListResponse(data: catalogue.all, nextCursor: nil))
        }
    }
}
