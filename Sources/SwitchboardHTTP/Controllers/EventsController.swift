import Foundation
import Hummingbird
import SwitchboardDomain
import SwitchboardStore

/// `POST /v1/events`: one event, or `{"events": [...]}` of up to 1000, all or nothing.
struct EventsController {
    let dependencies: AppDependencies
    static let maximumBatch = 1000

    func register(on group: RouterGroup<SwitchboardRequestContext>) {
        group.post(use: ingest)
    }

    struct Accepted: Encodable {
        let id: String
        let idempotencyKey: String
        let duplicate: Bool
        let deliveries: Int
        enum CodingKeys: String, CodingKey {
            case id, duplicate, deliveries
            case idempotencyKey = "idempotency_key"
        }
    }

    struct AcceptedBatch: Encodable {
        let events: [Accepted]
        let id: String?
    }

    @Sendable func ingest(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let workspaceID = try context.managerWorkspaceID()
        let body = try await request.jsonBody(context: context)
        let now = Date()
        let isBatch = body["events"] != nil && body["type"] == nil
        let items: [JSONValue]
        if isBatch {
            guard case .array(let array) = body["events"] else { throw APIError.invalid([FieldError(field: "events", message: "must be an array")]) }
            guard !array.isEmpty, array.count <= Self.maximumBatch else {
                throw APIError.invalid([FieldError(field: "events", message: "must hold 1 to \(Self.maximumBatch) events")])
            }
            items = array
        } else {
            items = [body]
        }
        var events: [InboundEvent] = []
        var errors: [FieldError] = []
        for (index, item) in items.enumerated() {
            do {
                events.append(try InboundEvent.parse(item, receivedAt: now, path: isBatch ? "events/\(index)/" : ""))
            } catch {
                errors += error.errors
            }
        }
        guard errors.isEmpty else { throw APIError.invalid(errors, detail: "Some events are invalid; none was stored.") }
        let results = try await dependencies.localDispatch.ingest(events, workspaceID: workspaceID, into: dependencies.store, receivedAt: now)
        let accepted = zip(events, results).map {
            Accepted(id: $1.id, idempotencyKey: $0.idempotencyKey, duplicate: $1.duplicate, deliveries: $1.deliveries)
        }
        return try JSONResponse.make(AcceptedBatch(events: accepted, id: isBatch ? nil : accepted.first?.id), status: .accepted)
    }
}
