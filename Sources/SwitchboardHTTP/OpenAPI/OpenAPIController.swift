import Foundation
import Hummingbird
import Logging
import OpenAPIKit
import SwitchboardDomain
import SwitchboardEngine

/// `GET /openapi.json`: the OpenAPI 3.1 document, built with OpenAPIKit from the routes (`APIOperations`) and the
/// schemas (`OpenAPISchemas`, which take each provider's settings and credentials from the provider), and checked by
/// OpenAPIKit's validation when it is made.
struct OpenAPIController {
    /// The providers whose settings and credentials the document describes.
    let catalogue: ProviderCatalogue
    let logger: Logger

    func register(on router: Router<SwitchboardRequestContext>) {
        let document: [UInt8]
        do {
            let built = try Self.document(catalogue: catalogue)
            try built.validate()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            document = Array(try encoder.encode(built))
        } catch {
            // A document the library refuses is a defect of this build: said loudly, and served as an error.
            logger.critical("the OpenAPI document is not valid", metadata: ["error": "\(error)"])
            document = Array(#"{"error": "the OpenAPI document of this build is not valid; see the server log"}"#.utf8)
        }
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
    }

    static func document(catalogue: ProviderCatalogue) throws -> OpenAPI.Document {
        var paths: OpenAPI.PathItem.Map = [:]
        for operation in APIOperations.all {
            let path = OpenAPI.Path(rawValue: operation.path)
            var item = paths[path]?.b ?? OpenAPI.PathItem()
            let described = try describe(operation, links: links(from: operation))
            switch operation.method {
            case "get": item.get(described)
            case "post": item.post(described)
            case "patch": item.patch(described)
            case "delete": item.delete(described)
            default: item.put(described)
            }
            paths[path] = .b(item)
        }
        var schemas: OpenAPI.ComponentDictionary<JSONSchema> = [:]
        for (name, schema) in OpenAPISchemas.all(catalogue: catalogue).sorted(by: { $0.key < $1.key }) {
            schemas[OpenAPI.ComponentKey(rawValue: name)!] = try jsonSchema(schema)
        }
        return OpenAPI.Document(
            openAPIVersion: .v3_1_0,
            info: .init(
                title: "Switchboard API",
                description: "Integrations of a live-broadcast platform: webhooks, CRM and email, Slack, Stripe, lead sources.",
                version: "1.0.0"
            ),
            servers: [.init(url: URL(string: "/")!)],
            paths: paths,
            components: .init(
                schemas: schemas,
                securitySchemes: ["apiKey": .b(.http(scheme: "bearer", description: "A workspace API key"))]
            )
        )
    }

    /// A JSON Schema (the providers' and `OpenAPISchemas`' JSON) as OpenAPIKit's schema type.
    static func jsonSchema(_ schema: JSONValue) throws -> JSONSchema {
        try JSONDecoder().decode(JSONSchema.self, from: try CompactJSON.encode(schema))
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
    static func links(from operation: APIOperation) -> OpenAPI.Link.Map {
        guard let success = operation.responses.first(where: { (200..<300).contains($0.status) }), let schema = success.schema else { return [:] }
        let single = schema.hasSuffix("List") ? String(schema.dropLast(4)) : schema
        guard let path = resources[single],
            let id = OpenAPI.RuntimeExpression(rawValue: schema.hasSuffix("List") ? "$response.body#/data/0/id" : "$response.body#/id")
        else { return [:] }
        var links: OpenAPI.Link.Map = [:]
        for target in APIOperations.all where target.path.hasPrefix(path) && !(target.path == operation.path && target.method == operation.method) {
            links[operationID(target)] = .b(OpenAPI.Link(operationId: operationID(target), parameters: ["id": .a(id)]))
        }
        return links
    }

    static func describe(_ operation: APIOperation, links: OpenAPI.Link.Map = [:]) throws -> OpenAPI.Operation {
        var parameters: OpenAPI.Parameter.Array = []
        for segment in operation.path.split(separator: "/") where segment.hasPrefix("{") {
            parameters.append(
                .b(OpenAPI.Parameter(name: String(segment.dropFirst().dropLast()), context: .path(schema: try jsonSchema(OpenAPISchemas.nonEmpty))))
            )
        }
        for parameter in operation.query {
            parameters.append(
                .b(
                    OpenAPI.Parameter(
                        name: parameter.name,
                        context: .query(
                            required: operation.requiredQuery.contains(parameter.name),
                            schema: try jsonSchema(querySchema(parameter.name))
                        ),
                        description: parameter.description
                    )
                )
            )
        }
        let requestBody = operation.requestBody.map { body in
            OpenAPI.Request(content: [.json: .b(OpenAPI.Content(schema: reference(body)))], required: operation.bodyRequired)
        }
        var responses: OpenAPI.Response.Map = [:]
        for response in operation.responses {
            var content: OpenAPI.Content.Map = [:]
            switch response.schema {
            case "HTML"?: content[.html] = .b(OpenAPI.Content(schema: .string))
            case let schema?: content[schema == "Problem" ? problemJSON : .json] = .b(OpenAPI.Content(schema: reference(schema)))
            case nil: break
            }
            responses[.status(code: response.status)] = .b(
                OpenAPI.Response(
                    description: reasonPhrase(response.status),
                    content: content,
                    links: (200..<300).contains(response.status) ? links : [:]
                )
            )
        }
        // What every operation of a kind may answer besides its own results, as problem documents.
        func problem(_ status: Int, _ why: String) {
            guard responses[.status(code: status)] == nil else { return }
            responses[.status(code: status)] = .b(
                OpenAPI.Response(description: why, content: [problemJSON: .b(OpenAPI.Content(schema: reference("Problem")))])
            )
        }
        if operation.authenticated {
            problem(401, "Missing or unknown API key")
            problem(403, "The key's role may not do this (members read only)")
        }
        if operation.authenticated && operation.path.contains("{") {
            problem(404, "No such resource in the key's workspace")
            problem(409, conflict)
        }
        if !operation.query.isEmpty || operation.requestBody != nil { problem(400, "Invalid parameters or body; `errors` names the fields") }
        if operation.requestBody != nil { problem(413, "The body is larger than the server takes") }
        if operation.authenticated && operation.method != "get" {
            problem(409, conflict)
            problem(422, "The request cannot be processed as given")
        }
        return OpenAPI.Operation(
            tags: [operation.tag],
            summary: operation.summary,
            operationId: operationID(operation),
            parameters: parameters,
            requestBody: requestBody,
            responses: responses,
            security: operation.authenticated ? [[.component(named: "apiKey"): []]] : nil
        )
    }

    /// The reason phrase of a status the API answers ("Created").
    static func reasonPhrase(_ code: Int) -> String {
        let known: [HTTPResponse.Status] = [
            .ok, .created, .accepted, .noContent, .found, .badRequest, .unauthorized, .forbidden, .notFound, .conflict, .contentTooLarge,
            .unprocessableContent, .tooManyRequests, .badGateway, .serviceUnavailable,
        ]
        return known.first { $0.code == code }?.reasonPhrase ?? "HTTP \(code)"
    }

    /// What a 409 means on any route that has one.
    static let conflict =
        "The resource's state, or its provider, does not allow this now; `code` says why (unsupported_operation: not for this provider)"

    /// RFC 9457's media type.
    static let problemJSON = OpenAPI.ContentType(rawValue: "application/problem+json")!

    static func reference(_ name: String) -> JSONSchema {
        .reference(.component(named: name))
    }
}
