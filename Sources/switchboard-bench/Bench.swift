import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import SQLKit
import SwitchboardCommands
import SwitchboardDomain
import SwitchboardStore

/// `switchboard-bench`: Switchboard's benchmarks. Without a subcommand it measures deliveries.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard-bench",
        abstract: "Measure Switchboard.",
        subcommands: [DeliveryBench.self, StoreBench.self, ResyncBench.self, TenantBench.self],
        defaultSubcommand: DeliveryBench.self
    )
}

/// `switchboard-bench deliveries`: events through the real ingest API into the durable store, delivered to
/// webhook integrations on a local nginx sink, measured end to end, beside the HTTP client's and wrk's ceilings.
struct DeliveryBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deliveries", abstract: "Measure webhook delivery throughput and latency.")

    @Option(help: "Events to ingest at full speed.")
    var events = 100_000

    @Option(help: "Webhook integrations receiving every event.")
    var integrations = 10

    @Option(help: "Approximate size of each event's payload, in bytes.")
    var payloadBytes = 1024

    @Option(help: "Database URL (default: a fresh SQLite file).")
    var databaseURL: String?

    @Option(help: "Seconds for each reference measurement (client alone, wrk).")
    var referenceSeconds = 5

    @Option(help: "Concurrent connections for the reference measurements.")
    var connections = 128

    @Option(help: "Attempts in flight at once (default: Switchboard's own default).")
    var maxInFlight: Int?

    @Option(help: "Events for the latency phase, paced at --latency-rate per second (0 skips it).")
    var latencyEvents = 5000

    @Option(help: "Events per second in the latency phase.")
    var latencyRate = 1000

    @Flag(help: "While the latency phase runs, the history retention removes the full-speed phase's history (as its hourly pass would).")
    var pruneDuringLatency = false

    @Option(help: "Then run again with this many of the integrations pointing at an endpoint that never answers (0: skip).")
    var hanging = 0

    func run() async throws {
        // As `switchboard` does when it starts, and before the reference client's threads exist.
        ProcessMemory.limitAllocatorArenas()
        var logger = Logger(label: "switchboard.bench")
        logger.logLevel = ProcessInfo.processInfo.environment["SWITCHBOARD_BENCH_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        let sink = try NginxSink.start(workers: 1)
        defer { sink.stop() }
        try await Task.sleep(for: .milliseconds(300))
        let body = Array(repeating: UInt8(ascii: "x"), count: payloadBytes)

        print("Switchboard benchmark: \(events) events × \(integrations) integrations, ~\(payloadBytes) B payloads, sink \(sink.url)")
        let wrkRate = try Wrk.postsPerSecond(url: sink.url, bodyBytes: payloadBytes, connections: connections, seconds: referenceSeconds)
        print("wrk (machine ceiling):              \(wrkRate.map { format($0) } ?? "wrk missing") POST/s")
        let (clientRate, clientCPU) = try await ClientCeiling.measure(url: sink.url, body: body, connections: connections, seconds: referenceSeconds)
        print(
            "AsyncHTTPClient alone (no store):   \(format(clientRate)) POST/s, \(format(clientCPU)) µs CPU each (RSS now \(String(format: "%.0f", currentRSSMegabytes())) MB)"
        )

        let report = try await pass(sinkPort: sink.port, latencyEvents: latencyEvents, logger: logger)
        print(
            "Switchboard durable deliveries:     \(format(report.deliveriesPerSecond)) deliveries/s (\(report.deliveries) in \(String(format: "%.1f", report.seconds)) s)"
        )
        print(
            "  CPU per delivery:                 \(format(report.cpuMicrosecondsPerDelivery)) µs (this process: ingest, delivery, the driver's posts)"
        )
        print("  event→first attempt, full speed:  p50 \(ms(report.fullSpeedLatency.p50)), p99 \(ms(report.fullSpeedLatency.p99))")
        if let paced = report.pacedLatency {
            print("  event→first attempt at \(latencyRate)/s:  p50 \(ms(paced.p50)), p99 \(ms(paced.p99))")
        }
        if let (history, seconds) = report.prunedDuringPaced {
            print(
                "  meanwhile the retention removed:  \(history.deliveries) deliveries, \(history.events) events in \(String(format: "%.1f", seconds)) s"
            )
        }
        print("  ingest alone:                     \(format(report.ingestEventsPerSecond)) events/s")
        print(
            "  peak RSS while delivering:        \(String(format: "%.0f", report.peakRSS)) MB (\(String(format: "%.0f", report.rssWithBacklog)) MB with the whole backlog pending)"
        )
        print("Ratio Switchboard / client alone:   \(String(format: "%.3f", report.deliveriesPerSecond / clientRate))  (target ≥ 0.5)")
        if let wrkRate {
            print("Ratio Switchboard / wrk:            \(String(format: "%.3f", report.deliveriesPerSecond / wrkRate))  (long-term goal ≥ 0.25)")
        }
        print("Ratio client alone / wrk:           \(wrkRate.map { String(format: "%.3f", clientRate / $0) } ?? "-")")

        guard hanging > 0 else { return }
        // The same again on a fresh store, with `hanging` of the integrations pointing at an endpoint that never answers.
        let dead = try await HangingSink()
        defer { dead.stop() }
        let healthy = integrations - hanging
        let withHanging = try await pass(sinkPort: sink.port, latencyEvents: 0, hanging: (hanging, dead.url), logger: logger)
        let before = report.deliveriesPerSecond * Double(healthy) / Double(integrations)
        print(
            "With \(hanging) of \(integrations) endpoints hanging:   \(format(withHanging.deliveriesPerSecond)) deliveries/s to the \(healthy) healthy ones "
                + "(\(withHanging.deliveries) in \(String(format: "%.1f", withHanging.seconds)) s; the same \(healthy) got \(format(before))/s above)"
        )
        print("Ratio healthy throughput kept:      \(String(format: "%.3f", withHanging.deliveriesPerSecond / before))  (target ≥ 0.9)")
    }

    /// One measured run on a fresh store: a Switchboard runtime serving the API, driven to deliver every event.
    private func pass(sinkPort: Int, latencyEvents: Int, hanging: (count: Int, url: String)? = nil, logger: Logger) async throws -> Report {
        let scratch = ScratchDatabase("bench")
        let url = try scratch.url(unless: databaseURL)
        defer { scratch.remove() }
        let runtime = try await Runtime.make(
            databaseURL: url,
            engine: EngineSettings(allowPrivateTargets: true, maxInFlight: maxInFlight),
            logger: logger
        )
        return try await withServingRuntime(runtime, workspaceName: "Benchmark") { workspaceID, key, api in
            let driver = Driver(
                runtime: runtime,
                workspaceID: workspaceID,
                apiKey: key,
                api: api,
                sinkPort: sinkPort,
                payloadBytes: payloadBytes,
                hangingURL: hanging?.url,
                hanging: hanging?.count ?? 0,
                pruneDuringPaced: pruneDuringLatency
            )
            return try await driver.measure(events: events, integrations: integrations, latencyEvents: latencyEvents, latencyRate: latencyRate)
        }
    }

    func format(_ value: Double) -> String { String(format: "%.0f", value) }
    func ms(_ value: Double) -> String { String(format: "%.1f ms", value) }
}
