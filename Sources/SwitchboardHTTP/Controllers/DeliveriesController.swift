import Foundation
import Hummingbird
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardStore

/// `/v1/deliveries`: the deliveries log with attempts, and re-sending one delivery.
struct DeliveriesController {
    let dependencies: AppDependencies
    var store: Store { dependencies.store }

    func register(on group: RouterGroup<SwitchboardRequestContext>) {
        group.get(use: list)
        group.get(":id", use: show)
        group.post(":id/redeliver", use: redeliver)
    }

    @Sendable func list(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let workspaceID = try context.workspaceID()
        let (limit, cursor) = try request.pagination()
        let query = request.uri.queryParameters
        var errors: [FieldError] = []
        var filter = DeliveryFilter(integrationID: query["integration_id"].map(String.init))
        if let text = query["status"] {
            filter.status = DeliveryStatus(rawValue: String(text))
            if filter.status == nil {
                errors.append(
                    FieldError(field: "status", message: "must be one of \(DeliveryStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                )
            }
        }
        if let text = query["event_type"] {
            filter.eventType = OutboundEventType(rawValue: String(text))
            if filter.eventType == nil {
                errors.append(
                    FieldError(field: "event_type", message: "must be one of \(OutboundEventType.allCases.map(\.rawValue).joined(separator: ", "))")
                )
            }
        }
        guard errors.isEmpty else { throw APIError.invalid(errors) }
        filter.since = try request.queryTime("since")
        let page = try await store.deliveries(workspaceID: workspaceID, filter: filter, limit: limit, cursor: cursor)
        return try JSONResponse.make(
            ListResponse(data: page.items.map { DeliveryResponse(delivery: $0, attempts: nil) }, nextCursor: page.nextCursor)
        )
    }

    @Sendable func show(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let workspaceID = try context.workspaceID()
        guard let (delivery, attempts) = try await store.delivery(workspaceID: workspaceID, id: try context.parameters.require("id")) else {
            throw APIError.notFound("delivery")
        }
        return try JSONResponse.make(DeliveryResponse(delivery: delivery, attempts: attempts))
    }

    @Sendable func redeliver(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let workspaceID = try context.managerWorkspaceID()
        let id = try context.parameters.require("id")
        let service = DeliveryService(store: store, dispatch: dependencies.localDispatch)
        guard let delivery = try await service.redeliver(workspaceID: workspaceID, id: id) else { throw APIError.notFound("delivery") }
        return try JSONResponse.make(DeliveryResponse(delivery: delivery, attempts: nil), status: .accepted)
    }
}
