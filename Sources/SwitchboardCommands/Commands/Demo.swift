import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SwitchboardDomain
import SwitchboardEmulators
import SwitchboardEngine
import SwitchboardProviders
import SwitchboardStore

/// `switchboard demo`: serve on a fresh SQLite file with a demo workspace, a webhook integration that points
/// at an in-process verifying receiver, an integration of every provider with an emulator (`DemoAccounts`: HubSpot,
/// Mailchimp, Slack) connected to it, and a trickle of sample events, so deliveries flow within seconds with no
/// account anywhere.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run Switchboard with a demo workspace, a local receiver and sample events.")

    @Option(help: "Port of the API.")
    var port = 8080

    @Option(help: "Port of the demo's webhook receiver.")
    var receiverPort = 9009

    @Option(help: "Seconds between sample events.")
    var interval = 2.0

    @Option(help: "Port of the first provider emulator; the others take the ports after it, one each.")
    var emulatorPorts = 9010

    func run() async throws {
        let logger = {
            var logger = Logger(label: "switchboard.demo")
            logger.logLevel = .warning
            return logger
        }()
        let directory = FileManager.default.temporaryDirectory.appending(path: "switchboard-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let databaseURL = DatabaseURL.sqlite(path: directory.appending(path: "demo.db").path)
        let accounts = DemoAccounts.all()
        try await Self.runEmulators(accounts[...], port: emulatorPorts, urls: [:]) { urls in
            var engine = EngineSettings(allowPrivateTargets: true)
            engine.providers = ProviderSettings(urls)
            let runtime = try await Runtime.make(databaseURL: databaseURL, engine: engine, logger: logger)
            try await serve(runtime, accounts: DemoProviders(accounts: accounts), urls: urls, databaseURL: databaseURL, logger: logger)
        }
    }

    /// Prints a line at once, also when the output is a pipe or a file (a script waiting for the key, `| tee`).
    static func say(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Serves each account's emulator on its port, then runs `body` with their URLs by provider setting.
    private static func runEmulators(
        _ accounts: ArraySlice<any DemoAccount>,
        port: Int,
        urls: [String: String],
        _ body: @escaping @Sendable ([String: String]) async throws -> Void
    ) async throws {
        guard let first = accounts.first else { return try await body(urls) }
        try await first.run(port: port) { url in
            try await runEmulators(accounts.dropFirst(), port: port + 1, urls: urls.merging([first.urlOption: url]) { $1 }, body)
        }
    }

    private func serve(_ runtime: Runtime, accounts: DemoProviders, urls: [String: String], databaseURL: DatabaseURL, logger: Logger) async throws {
        let (port, receiverPort, interval) = (port, receiverPort, interval)
        try await runtime.run {
            let store = runtime.store
            let (workspace, apiKey) = try await store.createWorkspace(name: "Demo workspace", managerKeyLabel: "demo")
            let signInToken = try await SignInService(store: store).makeLink(workspaceID: workspace.id, role: .manager) ?? ""
            let connected = try await accounts.connect(runtime.dependencies.integrations, workspaceID: workspace.id)
            let integration = try await runtime.dependencies.integrations.create(
                workspaceID: workspace.id,
                provider: "webhook",
                changes: .init(
                    label: "Demo receiver",
                    url: "http://127.0.0.1:\(receiverPort)/webhooks",
                    events: OutboundEventType.webhookEvents.map(\.rawValue)
                )
            )
            let secret = try await runtime.dependencies.integrations.signingSecret(workspaceID: workspace.id, id: integration.id).secret
            let receiver = VerifyingReceiver(verifier: SignatureVerifier(secret: SigningSecret(secret)!)) { Self.say("  receiver \($0.prefix(160))") }
            let providers = connected.map { account, id in
                "  \(account.integration.label.padding(toLength: 28, withPad: " ", startingAt: 0)) \(id) → emulator at \(urls[account.urlOption] ?? "?")"
            }
            Self.say(
                """

                Switchboard demo
                  Web UI:       http://127.0.0.1:\(port)/sign-in?token=\(signInToken)
                                (a one-time sign-in link, valid for an hour; or sign in with the API key)
                  API:          http://127.0.0.1:\(port)  (OpenAPI: http://127.0.0.1:\(port)/openapi.json)
                  API key:      \(apiKey)   (manager role)
                  Workspace:    \(workspace.id)
                  Integration:  \(integration.id) → http://127.0.0.1:\(receiverPort)/webhooks (secret \(secret))
                \(providers.joined(separator: "\n"))
                  Database:     \(databaseURL)

                Try:
                  curl -s -H 'Authorization: Bearer \(apiKey)' http://127.0.0.1:\(port)/v1/integrations
                  curl -s -H 'Authorization: Bearer \(apiKey)' 'http://127.0.0.1:\(port)/v1/deliveries?limit=5'

                A sample event goes out every \(interval) s; each verified delivery is printed below, and every 10 s what
                the provider emulators received. Ctrl-C stops.

                """
            )
            let receiverApp = Application(
                router: receiver.router(),
                configuration: .init(address: .hostname("127.0.0.1", port: receiverPort)),
                logger: logger
            )
            let trickle = SampleEvents(client: runtime.client, apiURL: "http://127.0.0.1:\(port)", apiKey: apiKey, interval: interval)
            return [receiverApp, runtime.application(host: "127.0.0.1", port: port), trickle, accounts]
        }
    }
}

/// The demo's provider accounts: an integration connected to each (Finish pressed where setup asks for it, as a
/// manager would), and a report every 10 s of what the emulators received.
struct DemoProviders: Service {
    let accounts: [any DemoAccount]

    /// Creates an integration per account; returns each with its id.
    func connect(_ integrations: IntegrationService, workspaceID: String) async throws -> [(any DemoAccount, String)] {
        var connected: [(any DemoAccount, String)] = []
        for account in accounts {
            let (label, settings, credentials) = account.integration
            var integration = try await integrations.create(
                workspaceID: workspaceID,
                provider: account.provider,
                changes: .init(label: label, settings: settings, credentials: credentials)
            )
            if integration.status == .setupIncomplete {
                integration = try await integrations.completeSetup(workspaceID: workspaceID, id: integration.id)
            }
            connected.append((account, integration.id))
        }
        return connected
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            // Cut short by shutdown, so that Ctrl-C (or SIGTERM) stops the demo at once.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(10)) }
            for line in accounts.compactMap({ $0.report() }) { Demo.say("  " + line) }
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
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
        }
    }
}
