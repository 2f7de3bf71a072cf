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
/// at an in-process verifying receiver, HubSpot and Mailchimp integrations syncing into in-process emulators
/// of their APIs, and a trickle of sample events, so deliveries flow within seconds with no account anywhere.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run Switchboard with a demo workspace, a local receiver and sample events.")

    @Option(help: "Port of the API.")
    var port = 8080

    @Option(help: "Port of the demo's webhook receiver.")
    var receiverPort = 9009

    @Option(help: "Seconds between sample events.")
    var interval = 2.0

    @Option(help: "Port of the demo's HubSpot emulator.")
    var hubspotPort = 9010

    @Option(help: "Port of the demo's Mailchimp emulator.")
    var mailchimpPort = 9011

    func run() async throws {
        let logger = {
            var logger = Logger(label: "switchboard.demo")
            logger.logLevel = .warning
            return logger
        }()
        let directory = FileManager.default.temporaryDirectory.appending(path: "switchboard-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let databaseURL = DatabaseURL.sqlite(path: directory.appending(path: "demo.db").path)
        let hubspot = HubSpotEmulator()
        let mailchimp = MailchimpEmulator()
        let demo = DemoProviders(hubspot: hubspot.state, mailchimp: mailchimp.state)
        try await hubspot.run(port: hubspotPort) { hubspotURL in
            try await mailchimp.run(port: mailchimpPort) { mailchimpURL in
                var engine = EngineSettings(allowPrivateTargets: true)
                engine.providers = ProviderSettings(["SWITCHBOARD_HUBSPOT_URL": hubspotURL, "SWITCHBOARD_MAILCHIMP_URL": mailchimpURL])
                let runtime = try await Runtime.make(databaseURL: databaseURL, engine: engine, logger: logger)
                try await serve(runtime, demo: demo, urls: (hubspotURL, mailchimpURL), databaseURL: databaseURL, logger: logger)
            }
        }
    }

    private func serve(
        _ runtime: Runtime,
        demo: DemoProviders,
        urls: (hubspot: String, mailchimp: String),
        databaseURL: DatabaseURL,
        logger: Logger
    ) async throws {
        let (port, receiverPort, interval) = (port, receiverPort, interval)
        try await runtime.run {
            let store = runtime.store
            let (workspace, apiKey) = try await store.createWorkspace(name: "Demo workspace", managerKeyLabel: "demo")
            let (hubspotID, mailchimpID) = try await demo.connect(runtime.dependencies.integrations, workspaceID: workspace.id)
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
            let receiver = VerifyingReceiver(verifier: SignatureVerifier(secret: SigningSecret(secret)!)) { print("  receiver \($0.prefix(160))") }
            print(
                """

                Switchboard demo
                  API:          http://127.0.0.1:\(port)  (OpenAPI: http://127.0.0.1:\(port)/openapi.json)
                  API key:      \(apiKey)   (manager role)
                  Workspace:    \(workspace.id)
                  Integration:  \(integration.id) → http://127.0.0.1:\(receiverPort)/webhooks (secret \(secret))
                  HubSpot:      \(hubspotID) → emulator at \(urls.hubspot)
                  Mailchimp:    \(mailchimpID) → emulator at \(urls.mailchimp)
                  Database:     \(databaseURL)

                Try:
                  curl -s -H 'Authorization: Bearer \(apiKey)' http://127.0.0.1:\(port)/v1/integrations
                  curl -s -H 'Authorization: Bearer \(apiKey)' 'http://127.0.0.1:\(port)/v1/deliveries?limit=5'

                A sample event goes out every \(interval) s; each verified delivery is printed below, and what the
                HubSpot and Mailchimp emulators hold every 10 s. Ctrl-C stops.

                """
            )
            let receiverApp = Application(
                router: receiver.router(),
                configuration: .init(address: .hostname("127.0.0.1", port: receiverPort)),
                logger: logger
            )
            let trickle = SampleEvents(client: runtime.client, apiURL: "http://127.0.0.1:\(port)", apiKey: apiKey, interval: interval)
            return [receiverApp, runtime.application(host: "127.0.0.1", port: port), trickle, demo]
        }
    }
}

/// The demo's HubSpot and Mailchimp accounts: credentials and a list and an audience in the emulators,
/// integrations connected to them, and a report every 10 s of what the emulators hold.
struct DemoProviders: Service {
    let hubspot: HubSpotEmulatorState
    let mailchimp: MailchimpEmulatorState
    private let listID: String
    private let audienceID: String
    private let token: String
    private let apiKey: String

    init(hubspot: HubSpotEmulatorState, mailchimp: MailchimpEmulatorState) {
        self.hubspot = hubspot
        self.mailchimp = mailchimp
        token = hubspot.issueToken()
        listID = hubspot.createList(named: "Webinar registrants")
        apiKey = mailchimp.issueKey()
        audienceID = mailchimp.createAudience(named: "Webinar audience", mergeFields: ["FNAME": "First name", "LNAME": "Last name"])
    }

    /// Creates both integrations and presses Finish on each, as a manager would; returns their ids.
    func connect(_ integrations: IntegrationService, workspaceID: String) async throws -> (String, String) {
        let hubspot = try await integrations.create(
            workspaceID: workspaceID,
            provider: "hubspot",
            changes: .init(
                label: "HubSpot (emulator)",
                settings: ["list_id": .string(listID), "list_name": "Webinar registrants"],
                credentials: ["access_token": .string(token)]
            )
        )
        let mailchimp = try await integrations.create(
            workspaceID: workspaceID,
            provider: "mailchimp",
            changes: .init(
                label: "Mailchimp (emulator)",
                settings: ["audience_id": .string(audienceID), "audience_name": "Webinar audience", "tags": ["webinar"]],
                credentials: ["api_key": .string(apiKey)]
            )
        )
        _ = try await integrations.completeSetup(workspaceID: workspaceID, id: hubspot.id)
        _ = try await integrations.completeSetup(workspaceID: workspaceID, id: mailchimp.id)
        return (hubspot.id, mailchimp.id)
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: .seconds(10))
            let events = hubspot.marketingEvents.values
            print(
                "  HubSpot: \(hubspot.contactsByEmail.count) contacts, \(hubspot.memberEmails(of: listID).count) in the list, "
                    + "\(events.count) marketing events with \(events.map(\.participations.count).reduce(0, +)) participations · "
                    + "Mailchimp: \(mailchimp.members(of: audienceID).count) audience members"
            )
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
