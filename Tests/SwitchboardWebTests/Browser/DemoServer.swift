import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SwitchboardDomain
import SwitchboardTestSupport

/// A `switchboard demo` process, as a person starts it: the demo workspace with its integrations on the built-in
/// emulators, and the one-time sign-in link it prints. Sample events are turned off (one an hour) so that what the
/// tests see is what they did.
struct DemoServer: Sendable {
    let process: BackgroundProcess
    let url: String
    let signInLink: String
    let apiKey: String
    let emulatorPort: Int
    let receiverPort: Int

    /// Calls the API with the demo's manager key; the answer's JSON.
    func api(_ method: HTTPMethod, _ path: String, _ body: String? = nil) async throws -> JSONValue {
        try await SwitchboardBinary.call(client: .shared, method, url: url + path, key: apiKey, body: body).json
    }

    /// Starts the demo on free ports, runs `body`, and stops it.
    static func with<R: Sendable>(_ body: (DemoServer) async throws -> R) async throws -> R {
        let (port, receiver, emulators) = (TestPorts.unused(), TestPorts.unused(), TestPorts.unused())
        // A log of its own: output is appended, and a log left by an earlier run on the same port held an older demo's
        // sign-in link, which the banner match below found first (a link page saying "not valid", ~1 run in 6).
        let log = FileManager.default.temporaryDirectory.appending(path: "switchboard-demo-\(port)-\(UUID().uuidString.prefix(8)).log").path
        let process = try BackgroundProcess(
            [
                try SwitchboardBinary.path(), "demo", "--port", "\(port)", "--receiver-port", "\(receiver)", "--emulator-ports", "\(emulators)",
                "--interval", "3600",
            ],
            environment: [:],
            logPath: log
        )
        return try await process.stopping(signal: SIGTERM) {
            let deadline = ContinuousClock.now + .seconds(60)
            // The whole banner (its last line), then the API answering: the banner is printed before the server listens.
            while ContinuousClock.now < deadline, !process.output.contains("Ctrl-C stops.") {
                try await Task.sleep(for: .milliseconds(100))
            }
            try await SwitchboardBinary.waitUntilHealthy(client: .shared, api: "http://127.0.0.1:\(port)", server: process)
            let output = process.output
            guard let link = output.firstMatch(of: /(http:\/\/\S+\/sign-in\?token=\S+)/)?.1,
                let key = output.firstMatch(of: /API key:\s+(sb_mgr_\S+)/)?.1
            else {
                throw SwitchboardBinary.Missing(description: "switchboard demo printed no sign-in link: \(output.suffix(2000))")
            }
            let demo = DemoServer(
                process: process,
                url: "http://127.0.0.1:\(port)",
                signInLink: String(link),
                apiKey: String(key),
                emulatorPort: emulators,
                receiverPort: receiver
            )
            return try await body(demo)
        }
    }
}
