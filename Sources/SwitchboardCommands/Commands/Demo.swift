import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardStore

/// `switchboard demo`: serve on a fresh SQLite file with a demo workspace, a webhook integration that points
/// at an in-process verifying receiver, and a trickle of sample events, so deliveries flow within seconds.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run Switchboard with a demo workspace, a local receiver and sample events.")

    @Option(help: "Port of the API.")
    var port = 8080

    @Option(help: "Port of the demo's webhook receiver.")
    var receiverPort = 9009

    @Option(help: "Seconds between sample events.")
    var interval = 2.0

    func run() async throws {
        var logger = Logger(label: "switchboard.demo")
        logger.logLevel = .warning
        let directory = FileManager.default.temporaryDirectory.appending(path: "switchboard-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let databaseURL = DatabaseURL.sqlite(path: directory.appending(path: "demo.db").path)
        let engine = EngineSettings(allowPrivateTargets: true)
        let runtime = try await Runtime.make(databaseURL: databaseURL, engine: engine, logger: logger)
        let (port, receiverPort, interval) = (port, receiverPort, interval)

        try await runtime.run {
            let store = runtime.store
            let (workspace, apiKey) = try await store.createWorkspace(name: "Demo workspace", managerKeyLabel: "demo")
            let integration = try await runtime.dependencies.integrations.create(
                workspaceID: workspace.id,
                provider: "webhook",
                changes: .init(
                    label: "Demo receiver",
                    url: "http://127.0.0.1:\(receiverPort)/webhooks",
                    events: OutboundEventType.allCases.map(\.rawValue)
                )
            )
            let secret = try await runtime.dependencies.integrations.signingSecret(workspaceID: workspace.id, id: integration.id)
            let receiver = VerifyingReceiver(verifier: SignatureVerifier(secret: SigningSecret(secret)!)) { print("  receiver \($0.prefix(160))") }
            print(
                """

                Switchboard demo
                  API:          http://127.0.0.1:\(port)  (OpenAPI: http://127.0.0.1:\(port)/openapi.json)
                  API key:      \(apiKey)   (manager role)
                  Workspace:    \(workspace.id)
                  Integration:  \(integration.id) → http://127.0.0.1:\(receiverPort)/webhooks (secret \(secret))
                  Database:     \(databaseURL)

                Try:
                  curl -s -H 'Authorization: Bearer \(apiKey)' http://127.0.0.1:\(port)/v1/integrations
                  curl -s -H 'Authorization: Bearer \(apiKey)' 'http://127.0.0.1:\(port)/v1/deliveries?limit=5'

                A sample event goes out every \(interval) s; each verified delivery is printed below. Ctrl-C stops.

                """
            )
            let receiverApp = Application(
                router: receiver.router(),
                configuration: .init(address: .hostname("127.0.0.1", port: receiverPort)),
                logger: logger
            )
            let trickle = SampleEvents(client: runtime.client, apiURL: "http://127.0.0.1:\(port)", apiKey: apiKey, interval: interval)
            return [receiverApp, runtime.application(host: "127.0.0.1", port: port), trickle]
        }
    }
}

/// Posts sample events to the API: registrations, some attendance, and a broadcast end now and then.
struct SampleEvents: Service {
    let client: HTTPClient
    let apiURL: String
    let apiKey: String
    let interval: Double

    func run() async throws {
        let names = ["ada", "grace", "alan", "edsger", "barbara", "donald", "frances", "ken"]
        var tick = 0
        try? await Task.sleep(for: .seconds(1))
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            tick += 1
            let broadcast = "brd_demo_\((tick - 1) / 12 + 1)"
            let name = names[tick % names.count]
            let event: String
            switch tick % 12 {
            case 0:
                event =
                    #"{"type":"broadcast.ended","idempotency_key":"end-\#(broadcast)","data":{"broadcast":{"id":"\#(broadcast)","title":"Demo broadcast"}}}"#
            case 5, 9:
                event =
                    #"{"type":"attendance.recorded","idempotency_key":"att-\#(tick)","data":{"broadcast":{"id":"\#(broadcast)"},"registrant":{"email":"\#(names[(tick - 4) % names.count])@example.com"},"watch_seconds":\#(600 + tick * 7)}}"#
            default:
                event =
                    #"{"type":"registration.created","idempotency_key":"reg-\#(tick)","data":{"broadcast":{"id":"\#(broadcast)","title":"Demo broadcast"},"registrant":{"email":"\#(name)@example.com","first_name":"\#(name.capitalized)"},"source":"demo"}}"#
            }
            var request = HTTPClientRequest(url: "\(apiURL)/v1/events")
            request.method = .POST
            request.headers.add(name: "authorization", value: "Bearer \(apiKey)")
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: event))
            _ = try? await client.execute(request, timeout: .seconds(5))
            try? await Task.sleep(for: .seconds(interval))
        }
    }
}
