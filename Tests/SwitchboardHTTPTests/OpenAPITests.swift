import AsyncHTTPClient
import Foundation
import HTTPTypes
import Prometheus
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardHTTP
import SwitchboardProviders
import SwitchboardStore
import SwitchboardTestSupport
import Testing

@Suite("OpenAPI document and operations routes")
struct OpenAPITests {
    @Test("the document lists exactly the routes the server has")
    func documentMatchesRouter() async throws {
        try await withStore(.sqlite) { store in
            let secrets = try SecretBox(encodedKey: SecretBox.generateEncodedKey())
            let dependencies = AppDependencies(
                store: store,
                integrations: IntegrationService(
                    store: store,
                    secrets: secrets,
                    endpointGuard: EndpointGuard(allowPrivateTargets: false),
                    sender: WebhookSender(clients: PinnedClients(configuration: .init()), endpointGuard: EndpointGuard(allowPrivateTargets: false))
                ),
                localDispatch: LocalDispatch(),
                metrics: PrometheusCollectorRegistry(),
                logger: testLogger
            )
            let router = buildRouter(dependencies)
            let served = Set(
                router.routes.map { route in
                    let path = route.path.description.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
                    return "\(route.method.rawValue.lowercased()) /\(path.joined(separator: "/"))"
                }
            )

            let document = try await withAPI(.sqlite) { api in try await api.call(.get, "/openapi.json", key: nil) }
            #expect(document.status == 200)
            #expect(document.json["openapi"] == .string("3.1.0"))
            var documented: Set<String> = []
            for (path, operations) in document.json["paths"]?.objectValue ?? [:] {
                for method in operations.objectValue?.keys ?? [:].keys { documented.insert("\(method) \(path)") }
            }
            #expect(served.subtracting(documented).isEmpty, "routes missing from the document")
            #expect(documented.subtracting(served).isEmpty, "documented routes the server lacks")
            #expect(served.count >= 25)
        }
    }

    @Test("healthz, readyz and metrics answer without a key", arguments: StoreEngine.allCases)
    func operations(engine: StoreEngine) async throws {
        try await withAPI(engine) { api in
            #expect(try await api.call(.get, "/healthz", key: nil).json["status"] == .string("ok"))
            #expect(try await api.call(.get, "/readyz", key: nil).status == 200)
            let metrics = try await api.call(.get, "/metrics", key: nil)
            #expect(metrics.status == 200)
            #expect(metrics.contentType?.hasPrefix("text/plain") == true)
            let unknown = try await api.call(.get, "/v1/nothing-here", key: api.managerKey)
            #expect(unknown.status == 404)
        }
    }
}

@Suite("OpenAPI document, validated")
struct OpenAPIValidationTests {
    @Test("the document with every provider's schemas is valid OpenAPI 3.1 (openapi-spec-validator)")
    func validates() async throws {
        let everyProvider: @Sendable (HTTPClient) -> ProviderCatalogue = { Providers.catalogue(http: $0) }
        let document = try await withAPI(.sqlite, catalogue: everyProvider) { api in try await api.call(.get, "/openapi.json", key: nil) }
        #expect(document.status == 200)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-openapi-\(UUID().uuidString).json")
        try Data(document.text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let validated = try await spawnAndWaitOffPool(["/usr/bin/env", "python3", "-m", "openapi_spec_validator", file.path])
        #expect(validated.status == 0, "\(validated.output)")
        // Every provider's settings reach the document: the request body of a creation names each provider.
        for provider in ["webhook", "hubspot", "mailchimp"] { #expect(document.text.contains(#""const":"\#(provider)""#)) }
    }
}
