import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SwitchboardDomain
import SwitchboardEmulators
import SwitchboardEngine
import SwitchboardTestSupport

/// `switchboard serve` as an operator runs it, its HubSpot, Mailchimp and Slack pointed at emulators this test holds, so that
/// the test can change the provider's side (revoke a token, archive a channel) while a person uses the UI. The
/// workspace and the sign-in link come from the operator's commands (`workspace create`, `workspace sign-in-link`).
struct ServedSwitchboard: Sendable {
    let url: String
    let apiKey: String
    let workspaceID: String
    let hubspot: HubSpotEmulatorState
    let slack: SlackEmulatorState
    let mailchimp: MailchimpEmulatorState
    let environment: [String: String]

    /// Calls the API with the workspace's manager key; the answer's JSON.
    func api(_ method: HTTPMethod, _ path: String, _ body: String? = nil) async throws -> JSONValue {
        try await SwitchboardBinary.call(client: .shared, method, url: url + path, key: apiKey, body: body).json
    }

    /// A fresh one-time sign-in link, from `switchboard workspace sign-in-link`.
    func signInLink(role: String = "manager") async throws -> String {
        let (status, output) = try await spawnAndWaitOffPool(
            ["/usr/bin/env"] + environment.map { "\($0.key)=\($0.value)" }
                + [try SwitchboardBinary.path(), "workspace", "sign-in-link", "--workspace", workspaceID, "--role", role]
        )
        guard status == 0, let link = output.split(separator: "\n").last(where: { $0.contains("/sign-in?token=") }) else {
            throw SwitchboardBinary.Missing(description: "workspace sign-in-link failed: \(output)")
        }
        return String(link)
    }

    /// Starts the emulators and `switchboard serve` over a fresh SQLite file (its retry schedule shrunk by `retryScale`),
    /// runs `body`, and stops them.
    static func with<R: Sendable>(
        retryScale: Double = 1,
        _ body: @escaping @Sendable (ServedSwitchboard) async throws -> R
    ) async throws -> R {
        let hubspot = HubSpotEmulator()
        // The operator's HubSpot app, so that managers may also connect with OAuth.
        hubspot.state.registerApp(clientID: "switchboard-ui-tests", secret: "ui-tests-secret")
        let slack = SlackEmulator()
        let mailchimp = MailchimpEmulator()
        return try await hubspot.run { hubspotURL in
            try await slack.run { slackURL in
                try await mailchimp.run { mailchimpURL in
                    let port = TestPorts.unused()
                    let directory = FileManager.default.temporaryDirectory.appending(path: "switchboard-ui-\(UUID().uuidString.prefix(8))")
                    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                    let environment = [
                        "SWITCHBOARD_DATABASE_URL": "sqlite://\(directory.appending(path: "ui.db").path)",
                        "SWITCHBOARD_SECRET_KEY": SecretBox.generateEncodedKey(),
                        "SWITCHBOARD_ALLOW_PRIVATE_TARGETS": "1",
                        "SWITCHBOARD_LOG_LEVEL": "warning",
                        "SWITCHBOARD_PUBLIC_URL": "http://127.0.0.1:\(port)",
                        "SWITCHBOARD_HUBSPOT_URL": hubspotURL,
                        "SWITCHBOARD_SLACK_URL": slackURL,
                        "SWITCHBOARD_MAILCHIMP_URL": mailchimpURL,
                        "SWITCHBOARD_RETRY_SCALE": String(retryScale),
                        "SWITCHBOARD_HUBSPOT_CLIENT_ID": "switchboard-ui-tests",
                        "SWITCHBOARD_HUBSPOT_CLIENT_SECRET": "ui-tests-secret",
                    ]
                    let binary = try SwitchboardBinary.path()
                    let created = try await spawnAndWaitOffPool(
                        ["/usr/bin/env"] + environment.map { "\($0.key)=\($0.value)" } + [
                            binary, "workspace", "create", "--name", "Acme Webinars", "--json",
                        ]
                    )
                    let json = try JSONValue(json: (created.output.split(separator: "\n").last.map(String.init) ?? "").utf8)
                    guard let key = json["api_key"]?.stringValue, let workspace = json["workspace_id"]?.stringValue else {
                        throw SwitchboardBinary.Missing(description: "workspace create failed: \(created.output)")
                    }
                    let server = try BackgroundProcess(
                        [binary, "serve", "--port", "\(port)"],
                        environment: environment,
                        logPath: directory.appending(path: "serve.log").path
                    )
                    let served = ServedSwitchboard(
                        url: "http://127.0.0.1:\(port)",
                        apiKey: key,
                        workspaceID: workspace,
                        hubspot: hubspot.state,
                        slack: slack.state,
                        mailchimp: mailchimp.state,
                        environment: environment
                    )
                    return try await server.stopping(signal: SIGTERM) {
                        try await SwitchboardBinary.waitUntilHealthy(client: .shared, api: served.url, server: server)
                        return try await body(served)
                    }
                }
            }
        }
    }
}
