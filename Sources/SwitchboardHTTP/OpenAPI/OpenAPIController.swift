import Foundation
import Hummingbird
import SwitchboardDomain
import SwitchboardEngine

/// `GET /openapi.json`: the OpenAPI 3.1 document, built from `APIOperations`.
struct OpenAPIController {
    /// The providers whose settings and credentials the document describes.
    let catalogue: ProviderCatalogue

    func register(on router: Router<SwitchboardRequestContext>) {
        let document = (try? CompactJSON.encode(Self.document(catalogue: catalogue))).map(Array.init) ?? []
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
    }

    static func document(catalogue: ProviderCatalogue) -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for operation in APIOperations.all {
            paths[operation.path, default: [:]][operation.method] = describe(operation, links: links(from: operation))
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Switchboard API", "version": "1.0.0",
                "description": "Integrations of a live-broadcast platform: webhooks, CRM and email, Slack, Stripe, lead sources.",
            ],
            "servers": [["url": "/"]],
            "paths": .object(paths.mapValues { .object($0) }),
            "components": [
                "schemas": .object(OpenAPISchemas.all(catalogue: catalogue)),
                "securitySchemes": ["apiKey": ["type": "http", "scheme": "bearer", "description": "A workspace API key"]],
            ],
        ]
    }

    /// The schema of a query parameter, by its name (the same name means the same thing on every route).
    static func querySchema(_ name: String) -> JSONValue {
        switch name {
        case "limit": ["type": "integer", "minimum": 1, "maximum": 200, "default": 50]
        case "since": ["type": "string", "format": "date-time"]
        case "status": OpenAPISchemas.enumeration(DeliveryStatus.allCases.map(\.rawValue))
        case "event_type": OpenAPISchemas.enumeration(OutboundEventType.allCases.map(\.rawValue))
        case "state", "code", "error": OpenAPISchemas.nonEmpty
        // An empty cursor or filter is the same as none.
        default: OpenAPISchemas.string
        }
    }

    /// Where each kind of resource lives: its schema name and the path of one of them.
    static let resources = [
        "Integration": "/v1/integrations/{id}", "Job": "/v1/jobs/{id}", "Delivery": "/v1/deliveries/{id}",
        "Notification": "/v1/notifications/{id}", "APIKey": "/v1/api-keys/{id}",
    ]

    static func operationID(_ operation: APIOperation) -> String {
        operation.method + operation.path.replacingOccurrences(of: "/", with: "_")
    }

    /// OpenAPI links from an operation's successful answer to the operations on the resource it returns (one, or
    /// the first of a list's `data`), so that clients and fuzzers can follow ids: a created integration to its
    /// pause, test, secret…; a listed delivery to its re-send.
    static func links(from operation: APIOperation) -> [String: JSONValue] {
        guard let success = operation.responses.first(where: { (200..<300).contains($0.status) }), let schema = success.schema else { return [:] }
        let single = schema.hasSuffix("List") ? String(schema.dropLast(4)) : schema
        guard let path = resources[single] else { return [:] }
        let id: JSONValue = schema.hasSuffix("List") ? "$response.body#/data/0/id" : "$response.body#/id"
        var links: [String: JSONValue] = [:]
        for target in APIOperations.all where target.path.hasPrefix(path) && !(target.path == operation.path && target.method == operation.method) {
            links[operationID(target)] = ["operationId": .string(operationID(target)), "parameters": ["id": id]]
        }
        return links
    }

    static func describe(_ operation: APIOperation, links: [String: JSONValue] = [:]) -> JSONValue {
        var description: [String: JSONValue] = [
            "summary": .string(operation.summary), "tags": [.string(operation.tag)],
            "operationId": .string(operationID(operation)),
        ]
        var parameters: [JSONValue] = []
        for segment in operation.path.split(separator: "/") where segment.hasPrefix("{") {
            parameters.append([
                "name": .string(String(segment.dropFirst().dropLast())), "in": "path", "required": .bool(true), "schema": OpenAPISchemas.nonEmpty,
            ])
        }
        for parameter in operation.query {
            parameters.append([
                "name": .string(parameter.name), "in": "query", "description": .string(parameter.description),
                "required": .bool(operation.requiredQuery.contains(parameter.name)), "schema": querySchema(parameter.name),
            ])
        }
        if !parameters.isEmpty { description["parameters"] = .array(parameters) }
        if let body = operation.requestBody {
            description["requestBody"] = [
                "required": .bool(operation.bodyRequired), "content": ["application/json": ["schema": OpenAPISchemas.ref(body)]],
            ]
        }
        var responses: [String: JSONValue] = [:]
        for response in operation.responses {
            var entry: [String: JSONValue] = ["description": .string(HTTPResponse.Status(code: response.status).reasonPhrase)]
            switch response.schema {
            case "HTML"?: entry["content"] = ["text/html": ["schema": ["type": "string"]]]
            case let schema?:
                let type = schema == "Problem" ? "application/problem+json" : "application/json"
                entry["content"] = .object([type: ["schema": OpenAPISchemas.ref(schema)]])
            case nil: break
            }
            if (200..<300).contains(response.status), !links.isEmpty { entry["links"] = .object(links) }
            responses[String(response.status)] = .object(entry)
        }
        // What every operation of a kind may answer besides its own results, as problem documents.
        func problem(_ status: Int, _ why: String) {
            guard responses[String(status)] == nil else { return }
            responses[String(status)] = [
                "description": .string(why), "content": ["application/problem+json": ["schema": OpenAPISchemas.ref("Problem")]],
            ]
        }
        if operation.authenticated {
            problem(401, "Missing or unknown API key")
            problem(403, "The key's role may not do this (members read only)")
            description["security"] = [["apiKey": []]]
        }
        if operation.authenticated && operation.path.contains("{") {
            problem(404, "No such resource in the key's workspace")
            problem(
                409,
                "The resource's state, or its provider, does not allow this now; `code` says why (unsupported_operation: not for this provider)"
            )
        }
        if !operation.query.isEmpty || operation.requestBody != nil { problem(400, "Invalid parameters or body; `errors` names the fields") }
        if operation.requestBody != nil { problem(413, "The body is larger than the server takes") }
        if operation.authenticated && operation.method != "get" {
            problem(
                409,
                "The resource's state, or its provider, does not allow this now; `code` says why (unsupported_operation: not for this provider)"
            )
            problem(422, "The request cannot be processed as given")
        }
        description["responses"] = .object(responses)
        return .object(description)
    }
}
