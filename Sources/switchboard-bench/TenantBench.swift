import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import SwitchboardCommands
import SwitchboardDomain
import SwitchboardEngine

/// `switchboard-bench tenants`: whether one tenant's dead endpoints cost the others their throughput. Nine tenants
/// with one healthy webhook each (the nginx sink) are driven at full speed, first alone, then beside a tenant whose
/// 200 webhooks hang until the 15-second timeout with a backlog of deliveries waiting for them.
struct TenantBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenants",
        abstract: "Measure the healthy tenants' throughput beside a tenant with many hanging endpoints."
    )

    @Option(help: "Events each healthy tenant ingests (one delivery each).")
    var events = 20_000

    @Option(help: "Healthy tenants, one webhook each.")
    var tenants = 9

    @Option(help: "Webhooks of the other tenant, all pointing at an endpoint that never answers.")
    var hanging = 200

    @Option(help: "Events the hanging tenant has ingested before the healthy ones start (a delivery per webhook each).")
    var hangingEvents = 50

    @Option(help: "Database URL (default: a fresh SQLite file).")
    var databaseURL: String?

    func run() async throws {
        ProcessMemory.limitAllocatorArenas()
        var logger = Logger(label: "switchboard.bench")
        logger.logLevel = ProcessInfo.processInfo.environment["SWITCHBOARD_BENCH_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        let sink = try NginxSink.start(workers: 1)
        defer { sink.stop() }
        try await Task.sleep(for: .milliseconds(300))
        print("Tenant fairness: \(tenants) tenants × \(events) events to one healthy webhook each; then beside \(hanging) hanging webhooks")
        let clean = try await pass(sinkPort: sink.port, hangingURL: nil, logger: logger)
        print("Healthy tenants alone:              \(format(clean)) deliveries/s")
        let dead = try await HangingSink()
        defer { dead.stop() }
        let beside = try await pass(sinkPort: sink.port, hangingURL: dead.url, logger: logger)
        print("Beside \(hanging) hanging webhooks (\(hanging * hangingEvents) deliveries waiting): \(format(beside)) deliveries/s")
        print("Ratio healthy throughput kept:      \(String(format: "%.3f", beside / clean))  (target ≥ 0.9)")
    }

    /// The healthy tenants' deliveries per second on a fresh store, with the hanging tenant's backlog when `hangingURL` is set.
    private func pass(sinkPort: Int, hangingURL: String?, logger: Logger) async throws -> Double {
        let scratch = ScratchDatabase("tenants")
        let url = try scratch.url(unless: databaseURL)
        defer { scratch.remove() }
        var engine = EngineSettings(allowPrivateTargets: true)
        engine.limits = IntegrationLimits(integrationsPerWorkspace: hanging + 1)
        let runtime = try await Runtime.make(databaseURL: url, engine: engine, logger: logger)
        return try await withServingRuntime(runtime, workspaceName: "Hanging tenant") { bigWorkspace, bigKey, api in
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            defer { _ = client.shutdown() }
            if let hangingURL {
                for index in 0..<hanging {
                    _ = try await runtime.dependencies.integrations.create(
                        workspaceID: bigWorkspace,
                        provider: "webhook",
                        changes: .init(label: "dead \(index)", url: hangingURL, events: OutboundEventType.webhookEvents.map(\.rawValue))
                    )
                }
                let big = Driver(runtime: runtime, workspaceID: bigWorkspace, apiKey: bigKey, api: api, sinkPort: sinkPort, payloadBytes: 1024)
                try await big.postAtFullSpeed(client: client, events: hangingEvents, padding: "")
                // Until the dispatcher has filled what slots it will give the hanging tenant.
                try await Task.sleep(for: .seconds(2))
            }
            var drivers: [(Driver, String)] = []
            for tenant in 0..<tenants {
                let (workspace, key) = try await runtime.store.createWorkspace(name: "Healthy \(tenant)", managerKeyLabel: "bench")
                let integration = try await runtime.dependencies.integrations.create(
                    workspaceID: workspace.id,
                    provider: "webhook",
                    changes: .init(
                        label: "sink",
                        url: "\(NginxSink.url(host: tenant % 16 + 1, port: sinkPort))/\(tenant)",
                        events: OutboundEventType.webhookEvents.map(\.rawValue)
                    )
                )
                let driver = Driver(runtime: runtime, workspaceID: workspace.id, apiKey: key, api: api, sinkPort: sinkPort, payloadBytes: 1024)
                drivers.append((driver, integration.id))
            }
            let padding = String(repeating: "x", count: 824)
            let started = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (driver, integration) in drivers {
                    group.addTask {
                        try await driver.postAtFullSpeed(client: client, events: events, padding: padding)
                        try await driver.waitForDeliveries(events, of: [integration])
                    }
                }
                try await group.waitForAll()
            }
            let elapsed = ContinuousClock.now - started
            return Double(events * tenants) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
    }

    func format(_ value: Double) -> String { String(format: "%.0f", value) }
}
