import Foundation
import Hummingbird
import SwitchboardDomain

/// `GET /openapi.json`: the OpenAPI 3.1 document, built from `APIOperations`.
struct OpenAPIController {
    func register(on router: Router<SwitchboardRequestContext>) {
        let document = Self.documentBytes
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
    }

    static let documentBytes: [UInt8] = {
        (try? CompactJSON.encode(document)).map(Array.init) ?? []
    }()

    static var document: JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for operation in APIOperations.all {
            paths[operation.path, default: [:]][operation.method] = describe(operation)
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
                "schemas": .object(OpenAPISchemas.all),
                "securitySchemes": ["apiKey": ["type": "http", "scheme": "bearer", "description": "A workspace API key"]],
            ],
        ]
    }

    static func describe(_ operation: APIOperation) -> JSONValue {
        var description: [String: JSONValue] = [
            "summary": .string(operation.summary), "tags": [.string(operation.tag)],
            "operationId": .string(operation.method + operation.path.replacingOccurrences(of: "/", with: "_")),
        ]
        var parameters: [JSONValue] = []
        for segment in operation.path.split(separator: "/") where segment.hasPrefix("{") {
            parameters.append([
                "name": .string(String(segment.dropFirst().dropLast())), "in": "path", "required": .bool(true), "schema": ["type": "string"],
            ])
        }
        for parameter in operation.query {
            parameters.append([
                "name": .string(parameter.name), "in": "query", "description": .string(parameter.description), "schema": ["type": "string"],
            ])
        }
        if !parameters.isEmpty { description["parameters"] = .array(parameters) }
        if let body = operation.requestBody {
            description["requestBody"] = ["required": .bool(true), "content": ["application/json": ["schema": OpenAPISchemas.ref(body)]]]
        }
        var responses: [String: JSONValue] = [:]
        for response in operation.responses {
            var entry: [String: JSONValue] = ["description": .string(HTTPResponse.Status(code: response.status).reasonPhrase)]
            if let schema = response.schema {
                let type = schema == "Problem" ? "application/problem+json" : "application/json"
                entry["content"] = .object([type: ["schema": OpenAPISchemas.ref(schema)]])
            }
            responses[String(response.status)] = .object(entry)
        }
        if operation.authenticated {
            responses["401"] = [
                "description": "Missing or unknown API key", "content": ["application/problem+json": ["schema": OpenAPISchemas.ref("Problem")]],
            ]
            description["security"] = [["apiKey": []]]
        }
        description["responses"] = .object(responses)
        return .object(description)
    }
}
