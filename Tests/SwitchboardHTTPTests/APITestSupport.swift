import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Prometheus
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardHTTP
import SwitchboardStore
import SwitchboardTestSupport
import Testing

extension StoreEngine: CustomTestStringConvertible {}

/// A response as the tests look at it.
struct APIResponse {
    let status: Int
    let contentType: String?
    let body: [UInt8]
    var headers: HTTPFields = [:]

    var allow: String? { headers[.allow] }

    var json: JSONValue { (try? JSONDecoder().decode(JSONValue.self, from: Data(body))) ?? .null }
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// Two workspaces, keys of both roles, and a client that speaks to the router as a server would.
struct APIContext: Sendable {
    let store: Store
    let client: any TestClientProtocol
    let workspace: Workspace
    let managerKey: String
    let memberKey: String
    let otherWorkspace: Workspace
    let otherManagerKey: String

    func call(
        _ method: HTTPRequest.Method,
        _ path: String,
        key: String?,
        json: String? = nil,
        raw: ByteBuffer? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> APIResponse {
        var headers = extra
        if let key { headers[.authorization] = "Bearer \(key)" }
        if json != nil || raw != nil { headers[.contentType] = "application/json" }
        let body = raw ?? json.map { ByteBuffer(string: $0) }
        return try await client.execute(uri: path, method: method, headers: headers, body: body) { response in
            APIResponse(
                status: Int(response.status.code),
                contentType: response.headers[.contentType],
                body: Array(response.body.readableBytesView),
                headers: response.headers
            )
        }
    }

    /// The ids of one record of each kind a workspace holds, for tests that call every route.
    struct Seeded {
        let integration: String
        let delivery: Delivery
        let job: String
        let notification: String
        /// The workspace's first manager key.
        let managerKey: String
    }

    /// A webhook integration with a delivery, a re-send job and a notification in the workspace, made as a manager.
    func seedOneOfEach() async throws -> Seeded {
        let integrationID = try await createWebhook()
        let event = #"{"type":"registration.created","idempotency_key":"t1","data":{"broadcast":{"id":"b1"},"registrant":{"email":"a@example.com"}}}"#
        _ = try await call(.post, "/v1/events", key: managerKey, json: event)
        let delivery = try #require(
            try await store.deliveries(workspaceID: workspace.id, filter: DeliveryFilter(), limit: 1, cursor: nil).items.first
        )
        let job = try await call(
            .post,
            "/v1/integrations/\(integrationID)/redeliver",
            key: managerKey,
            json: #"{"status":"failed","since":"2020-01-01T00:00:00Z"}"#
        )
        let notification = Notification(
            id: Identifier.make("ntf"),
            workspaceId: workspace.id,
            integrationId: integrationID,
            kind: "test",
            title: "t",
            body: "b",
            createdAt: Timestamp.milliseconds(Date())
        )
        try await store.insertNotification(notification)
        return Seeded(
            integration: integrationID,
            delivery: delivery,
            job: try #require(job.json["id"]?.stringValue),
            notification: notification.id,
            managerKey: try #require(try await store.apiKeys(workspaceID: workspace.id).first { $0.role == .manager }?.id)
        )
    }

    /// Creates a webhook integration through the API and returns its id.
    func createWebhook(key: String? = nil, url: String = "https://93.184.216.34/hooks") async throws -> String {
        let response = try await call(
            .post,
            "/v1/integrations",
            key: key ?? managerKey,
            json:
                #"{"provider": "webhook", "label": "CRM bridge", "settings": {"url": "\#(url)", "events": ["registration.created", "broadcast.summary"]}}"#
        )
        #expect(response.status == 201, "\(response.text)")
        return response.json["id"]?.stringValue ?? ""
    }
}

/// Runs `body` against the real router over a fresh store of `engine`. Private targets are refused,
/// as in production; no dispatcher runs, so deliveries stay pending.
func withAPI<R: Sendable>(
    _ engine: StoreEngine,
    catalogue: @escaping @Sendable (HTTPClient) -> ProviderCatalogue = { _ in ProviderCatalogue() },
    limits: IntegrationLimits = IntegrationLimits(),
    _ body: @escaping @Sendable (APIContext) async throws -> R
) async throws -> R {
    try await withAPI(url: try await engine.makeURL(), catalogue: catalogue, limits: limits, body)
}

/// The same over a SQLite file at `path`, for tests that inspect the file afterwards.
func withAPIAt<R: Sendable>(path: String, _ body: @escaping @Sendable (APIContext) async throws -> R) async throws -> R {
    try await withAPI(url: .sqlite(path: path), body)
}

func withAPI<R: Sendable>(
    url: DatabaseURL,
    catalogue makeCatalogue: @escaping @Sendable (HTTPClient) -> ProviderCatalogue = { _ in ProviderCatalogue() },
    limits: IntegrationLimits = IntegrationLimits(),
    _ body: @escaping @Sendable (APIContext) async throws -> R
) async throws -> R {
    try await withStore(url: url) { store in
        let secrets = try SecretBox(encodedKey: SecretBox.generateEncodedKey())
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: WebhookSender.clientConfiguration(connectionsPerHost: 4))
        let endpointGuard = EndpointGuard(allowPrivateTargets: false)
        let webhookClients = PinnedClients(configuration: WebhookSender.clientConfiguration(connectionsPerHost: 4))
        let sender = WebhookSender(clients: webhookClients, endpointGuard: endpointGuard, timeout: .seconds(2))
        let catalogue = makeCatalogue(client)
        let localDispatch = LocalDispatch()
        let dependencies = AppDependencies(
            store: store,
            integrations: IntegrationService(
                store: store,
                secrets: secrets,
                endpointGuard: endpointGuard,
                sender: sender,
                catalogue: catalogue,
                limits: limits,
                dispatch: localDispatch
            ),
            catalogue: catalogue,
            localDispatch: localDispatch,
            metrics: PrometheusCollectorRegistry(),
            logger: testLogger
        )
        let workspace = try await store.createWorkspace(name: "Acme")
        let (_, manager) = try await store.createAPIKey(workspaceID: workspace.id, role: .manager, label: "m")
        let (_, member) = try await store.createAPIKey(workspaceID: workspace.id, role: .member, label: "r")
        let other = try await store.createWorkspace(name: "Other")
        let (_, otherManager) = try await store.createAPIKey(workspaceID: other.id, role: .manager, label: "o")
        let app = Application(router: buildRouter(dependencies), logger: testLogger)
        do {
            let result = try await app.test(.router) { testClient in
                try await body(
                    APIContext(
                        store: store,
                        client: testClient,
                        workspace: workspace,
                        managerKey: manager,
                        memberKey: member,
                        otherWorkspace: other,
                        otherManagerKey: otherManager
                    )
                )
            }
            try await webhookClients.shutdown()
            try await client.shutdown()
            return result
        } catch {
            try? await webhookClients.shutdown()
            try? await client.shutdown()
            throw error
        }
    }
}
