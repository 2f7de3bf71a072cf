import ArgumentParser
import Foundation

/// `switchboard serve`: the API and the delivery workers.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the API and deliver events.", discussion: EngineOptions.providerHelp)

    @OptionGroup var shared: SharedOptions
    @OptionGroup var engine: EngineOptions

    @Option(help: "Address to listen on (env SWITCHBOARD_HOST).")
    var host: String?

    @Option(help: "Port to listen on (env SWITCHBOARD_PORT).")
    var port: Int?

    @Flag(help: "Serve the API only; leave deliveries to `switchboard worker` processes.")
    var noWorkers = false

    func run() async throws {
        let logger = shared.logger()
        let runtime = try await Runtime.make(databaseURL: try shared.database(), engine: engine.settings(), logger: logger)
        let host = host ?? Environment.value("SWITCHBOARD_HOST") ?? "127.0.0.1"
        let port = port ?? Environment.value("SWITCHBOARD_PORT").flatMap(Int.init) ?? 8080
        try await runtime.run(dispatch: !noWorkers) { [runtime.application(host: host, port: port)] }
    }
}

/// `switchboard worker`: delivery workers only, for scale-out on PostgreSQL.
struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Deliver events without serving the API (scale-out).",
        discussion: EngineOptions.providerHelp
    )

    @OptionGroup var shared: SharedOptions
    @OptionGroup var engine: EngineOptions

    func run() async throws {
        let runtime = try await Runtime.make(databaseURL: try shared.database(), engine: engine.settings(), logger: shared.logger())
        try await runtime.run { [] }
    }
}
