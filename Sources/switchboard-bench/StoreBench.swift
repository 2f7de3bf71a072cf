import ArgumentParser
import Foundation
import Logging
import SwitchboardCommands
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardStore

/// `switchboard-bench store`: the store's share of a delivery, without HTTP, on both paths a delivery takes.
/// Claimed at ingest: events are ingested with their deliveries claimed (as the local worker claims them), then
/// every delivery's successful attempt is recorded in batches of the sizes the engine writes. Backlog: as many
/// events again are stored unclaimed, then claimed `--claim-batch` at a time with their event data and integrations read back
/// (as the dispatcher prepares them), then recorded. Reports the process's CPU time per delivery for each step: on
/// a shared machine a steadier figure than the full benchmark's rate, for changes to the store alone. Last, the history
/// retention removes both passes (`Store.pruneHistory`), timed.
struct StoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Measure the store's CPU per delivery: ingest, claims and recording."
    )

    @Option(help: "Events to ingest, in requests of 1000.")
    var events = 20_000

    @Option(help: "Webhook integrations receiving every event.")
    var integrations = 10

    @Option(help: "Average attempts recorded per transaction; sizes vary from half to one and a half times it, as the recorder's do.")
    var recordBatch = 200

    @Option(help: "Deliveries claimed per query on the backlog path (the dispatcher claims up to 256).")
    var claimBatch = 256

    @Option(help: "Database URL (default: a fresh SQLite file).")
    var databaseURL: String?

    func run() async throws {
        var logger = Logger(label: "switchboard.bench")
        logger.logLevel = .error
        let scratch = ScratchDatabase("store")
        defer { scratch.remove() }
        let runtime = try await Runtime.make(
            databaseURL: try scratch.url(unless: databaseURL),
            engine: EngineSettings(allowPrivateTargets: true),
            logger: logger
        )
        defer { _ = runtime.client.shutdown() }
        try await runtime.database.whileRunning {
            _ = try await Migrator(database: runtime.database).migrate(logger: logger)
            try await measure(runtime)
        }
    }

    private func measure(_ runtime: Runtime) async throws {
        let store = runtime.store
        let (workspace, _) = try await store.createWorkspace(name: "Store benchmark", managerKeyLabel: "bench")
        for index in 0..<integrations {
            _ = try await runtime.dependencies.integrations.create(
                workspaceID: workspace.id,
                provider: "webhook",
                changes: .init(label: "sink \(index)", url: "http://127.0.0.1:9/\(index)", events: OutboundEventType.webhookEvents.map(\.rawValue))
            )
        }
        let padding = String(repeating: "x", count: 800)
        let claim = IngestClaim(token: "bench", leaseEnds: Date().addingTimeInterval(600)) { _ in true }

        let batches = (events + 999) / 1000
        /// Request `batch` of a pass; batches of the second pass (the backlog) have keys of their own.
        func inbound(_ batch: Int) -> [InboundEvent] {
            (0..<min(1000, events - (batch % batches) * 1000)).map { index in
                InboundEvent(
                    type: .registrationCreated,
                    idempotencyKey: "store-\(batch)-\(index)",
                    occurredAt: Date(),
                    data: [
                        "broadcast": .object(["id": .string("brd_bench"), "title": .string("Benchmark")]),
                        "registrant": .object([
                            "email": .string("u\(batch)x\(index)@example.com"), "first_name": .string("Ada"),
                            "custom_fields": .object(["padding": .string(padding)]),
                        ]),
                    ]
                )
            }
        }

        // Deliveries claimed as they are stored (the local worker's path), then recorded.
        var claimed: [Delivery] = []
        let ingestCPU = try await cpuSeconds {
            for batch in 0..<batches {
                claimed += try await store.ingest(workspaceID: workspace.id, events: inbound(batch), claim: claim).claimed
            }
        }
        let deliveries = claimed.count
        let recordCPU = try await cpuSeconds { try await record(claimed, in: store) }

        // A backlog (the path of deliveries left for later, or ingested by another process): stored unclaimed, then
        // claimed `claimBatch` at a time with what sending needs read back (event data, integrations), then recorded.
        for batch in 0..<batches { _ = try await store.ingest(workspaceID: workspace.id, events: inbound(batches + batch)) }
        var backlog: [Delivery] = []
        let claimCPU = try await cpuSeconds {
            while true {
                let batch = try await store.claimDue(limit: claimBatch, now: Date(), lease: 600, token: "bench-\(backlog.count)")
                guard !batch.isEmpty else { break }
                _ = try await store.events(ids: Array(Set(batch.map(\.eventId))))
                _ = try await store.integrations(ids: Array(Set(batch.map(\.integrationId))))
                backlog += batch
            }
        }
        let backlogRecordCPU = try await cpuSeconds { try await record(backlog, in: store) }

        // Both passes' history removed, as the retention does once it is old enough (without its rests). PostgreSQL's
        // statistics are brought up to date first, as autovacuum has long done before an hourly pass: straight after
        // bulk loading, the planner believes `attempts` small and scans it whole for every batch (11.5 against 44 s).
        if runtime.database.dialect == .postgres { try await runtime.database.withConnection { db in try await db.raw("ANALYZE").run() } }
        var pruned = PrunedHistory()
        let pruneStarted = ContinuousClock.now
        let pruneCPU = try await cpuSeconds { pruned = try await store.pruneHistory(before: Date().addingTimeInterval(1)) }
        let pruneSeconds = (ContinuousClock.now - pruneStarted) / .seconds(1)

        print(
            "Store benchmark: \(events) events × \(integrations) integrations (\(deliveries) deliveries a pass), ~1 KB payloads, \(url(databaseURL))"
        )
        print(
            "  claimed at ingest:   ingest \(microseconds(ingestCPU, deliveries)), record \(microseconds(recordCPU, deliveries)) (~\(recordBatch) a batch): \(microseconds(ingestCPU + recordCPU, deliveries)) µs CPU per delivery"
        )
        print(
            "  backlog:             claim and read \(microseconds(claimCPU, backlog.count)), record \(microseconds(backlogRecordCPU, backlog.count)): \(microseconds(claimCPU + backlogRecordCPU, backlog.count)) µs CPU per delivery (ingest as above)"
        )
        print(
            "  retention:           \(pruned.deliveries) deliveries, \(pruned.attempts) attempts, \(pruned.events) events removed in \(String(format: "%.1f", pruneSeconds)) s: \(microseconds(pruneCPU, pruned.deliveries)) µs CPU per delivery"
        )
    }

    /// Records a successful attempt for each delivery, in batches of varying size around `recordBatch`, as the recorder writes.
    private func record(_ deliveries: [Delivery], in store: Store) async throws {
        let results = deliveries.map { delivery in
            let outcome = AttemptOutcome(startedAt: Date(), durationMilliseconds: 1, statusCode: 200, responseBody: "ok")
            return AttemptResult(
                delivery: delivery,
                outcome: outcome,
                decision: .after(outcome, previousFailures: 0, schedule: .standard, now: Date())
            )
        }
        var (start, batch) = (0, 0)
        while start < results.count {
            let size = max(1, recordBatch / 2 + (batch * 37) % max(1, recordBatch))
            try await store.record(Array(results[start..<min(results.count, start + size)]), noticeOfPause: Notices.paused)
            (start, batch) = (start + size, batch + 1)
        }
    }

    private func cpuSeconds(_ body: () async throws -> Void) async throws -> Double {
        let started = processCPUSeconds()
        try await body()
        return processCPUSeconds() - started
    }

    private func microseconds(_ cpu: Double, _ count: Int) -> String { String(format: "%.1f", cpu * 1e6 / Double(max(1, count))) }

    private func url(_ databaseURL: String?) -> String { databaseURL == nil ? "SQLite" : "the given database" }
}
