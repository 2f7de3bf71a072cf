import AsyncHTTPClient
import Foundation
import NIOCore
import SQLKit
import SwitchboardCommands
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardStore

/// Percentiles of a latency sample, in milliseconds.
struct Latency {
    let p50: Double
    let p99: Double

    init(_ samples: [Int64]) {
        let sorted = samples.sorted()
        func at(_ q: Double) -> Double { sorted.isEmpty ? 0 : Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]) }
        p50 = at(0.50)
        p99 = at(0.99)
    }
}

/// What one run measured.
struct Report {
    let deliveries: Int
    let seconds: Double
    let ingestEventsPerSecond: Double
    let fullSpeedLatency: Latency
    let pacedLatency: Latency?
    /// What the history retention removed while the paced phase ran (`--prune-during-latency`), and how long it took.
    let prunedDuringPaced: (history: PrunedHistory, seconds: Double)?
    let rssWithBacklog: Double
    /// Peak RSS when the last delivery was recorded: before the benchmark reads every latency back, which
    /// would otherwise count its own result rows as Switchboard's memory.
    let peakRSS: Double
    /// CPU time of the whole process (ingest, delivery, the driver's own posts) per delivery, in microseconds.
    let cpuMicrosecondsPerDelivery: Double
    var deliveriesPerSecond: Double { Double(deliveries) / seconds }
}

/// Drives a running Switchboard through its HTTP API and reads the outcome from its store.
struct Driver {
    let runtime: Runtime
    let workspaceID: String
    let apiKey: String
    let api: String
    let sinkPort: Int
    let payloadBytes: Int
    /// Where the first `hanging` integrations point: an endpoint that never answers.
    var hangingURL: String?
    var hanging = 0
    /// Whether the history retention removes the full-speed phase's history while the paced phase runs.
    var pruneDuringPaced = false

    func measure(events: Int, integrations: Int, latencyEvents: Int, latencyRate: Int) async throws -> Report {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = client.shutdown() }
        // The integrations that deliver to the sink: all but the hanging ones.
        var healthy: [String] = []
        for index in 0..<integrations {
            let hangs = index < hanging && hangingURL != nil
            let created = try await runtime.dependencies.integrations.create(
                workspaceID: workspaceID,
                provider: "webhook",
                changes: .init(
                    label: "sink \(index)",
                    url: hangs ? hangingURL : "\(NginxSink.url(host: index % 16 + 1, port: sinkPort))/\(index)",
                    events: OutboundEventType.webhookEvents.map(\.rawValue)
                )
            )
            if !hangs { healthy.append(created.id) }
        }
        let padding = String(repeating: "x", count: max(0, payloadBytes - 200))
        let expected = events * healthy.count

        let started = ContinuousClock.now
        let cpuStarted = processCPUSeconds()
        try await postAtFullSpeed(client: client, events: events, padding: padding)
        let ingested = ContinuousClock.now
        let rssWithBacklog = currentRSSMegabytes()
        try await waitForDeliveries(expected, of: healthy)
        let finished = ContinuousClock.now
        let cpu = processCPUSeconds() - cpuStarted
        let peakRSS = peakRSSMegabytes()
        let fullSpeed = Latency(try await firstAttemptLatencies())

        var paced: Latency?
        var pruned: (history: PrunedHistory, seconds: Double)?
        if latencyEvents > 0 {
            // The retention's own pass, as its hourly run would make it, over everything the full-speed phase left.
            let pruning =
                pruneDuringPaced
                ? Task { [runtime] in
                    let started = ContinuousClock.now
                    let retention = HistoryRetention(store: runtime.store, days: 0, logger: runtime.logger)
                    let history = await retention.prune(now: Date())
                    return history.map { ($0, seconds(ContinuousClock.now - started)) }
                } : nil
            paced = try await measurePaced(client: client, events: latencyEvents, rate: latencyRate, healthy: healthy)
            pruned = await pruning?.value
        }
        return Report(
            deliveries: expected,
            seconds: seconds(finished - started),
            ingestEventsPerSecond: Double(events) / seconds(ingested - started),
            fullSpeedLatency: fullSpeed,
            pacedLatency: paced,
            prunedDuringPaced: pruned,
            rssWithBacklog: rssWithBacklog,
            peakRSS: peakRSS,
            cpuMicrosecondsPerDelivery: cpu * 1e6 / Double(max(1, expected))
        )
    }

    /// Posts `events` through the API in batches of 1000, two requests at a time.
    func postAtFullSpeed(client: HTTPClient, events: Int, padding: String) async throws {
        let batches = (events + 999) / 1000
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            for _ in 0..<2 {
                let batch = next
                next += 1
                if batch < batches {
                    group.addTask { try await post(client: client, batch: batch, size: min(1000, events - batch * 1000), padding: padding) }
                }
            }
            while try await group.next() != nil {
                let batch = next
                next += 1
                if batch < batches {
                    group.addTask { try await post(client: client, batch: batch, size: min(1000, events - batch * 1000), padding: padding) }
                }
            }
        }
    }

    private func measurePaced(client: HTTPClient, events: Int, rate: Int, healthy: [String]) async throws -> Latency {
        let began = Date()
        let cutoff = Timestamp.milliseconds(began)
        let perTick = max(1, rate / 100)
        var sent = 0
        let start = ContinuousClock.now
        var tick = 0
        while sent < events {
            let size = min(perTick, events - sent)
            try await post(client: client, batch: 1_000_000 + tick, size: size, padding: "")
            sent += size
            tick += 1
            let due = start + .milliseconds(tick * 10)
            if due > ContinuousClock.now { try await Task.sleep(until: due) }
        }
        try await waitForDeliveries(events * healthy.count, of: healthy, madeSince: began)
        return Latency(try await firstAttemptLatencies(since: cutoff))
    }

    private func post(client: HTTPClient, batch: Int, size: Int, padding: String) async throws {
        let events = (0..<size).map { index in
            #"{"type":"registration.created","idempotency_key":"bench-\#(batch)-\#(index)","data":{"broadcast":{"id":"brd_bench","title":"Benchmark"},"registrant":{"email":"u\#(batch)x\#(index)@example.com","first_name":"Ada","custom_fields":{"padding":"\#(padding)"}}}}"#
        }
        var request = HTTPClientRequest(url: "\(api)/v1/events")
        request.method = .POST
        request.headers.add(name: "authorization", value: "Bearer \(apiKey)")
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"events":[\#(events.joined(separator: ","))]}"#))
        let response = try await client.execute(request, timeout: .seconds(120))
        let text = String(buffer: try await response.body.collect(upTo: 4 << 20))
        guard response.status.code == 202 else { throw BenchError("ingest answered \(response.status.code): \(text.prefix(300))") }
    }

    /// Waits until the healthy integrations have `expected` deliveries made since `madeSince` and none pending (the
    /// paced phase counts only its own: the retention may be removing the full-speed phase's meanwhile).
    func waitForDeliveries(_ expected: Int, of integrations: [String], madeSince: Date = .distantPast) async throws {
        let healthy = SQLList(integrations.map { SQLBind($0) })
        let since = Identifier.lowerBound("msg", at: madeSince)
        let total = try await runtime.database.withConnection { db in
            try await db.raw("SELECT COUNT(*) AS n FROM deliveries WHERE integration_id IN (\(healthy)) AND id >= \(bind: since)")
                .first(decodingColumn: "n", as: Int.self) ?? 0
        }
        while true {
            // Counted through the partial index of pending deliveries, so that polling costs the store little.
            let pending = try await runtime.database.withConnection { db in
                try await db.raw("SELECT COUNT(*) AS n FROM deliveries WHERE status = 'pending' AND integration_id IN (\(healthy))")
                    .first(decodingColumn: "n", as: Int.self) ?? 0
            }
            if pending == 0 && total >= expected { return }
            // Counting a large backlog holds the store for tens of milliseconds: poll it rarely, and often near the end.
            try await Task.sleep(for: .milliseconds(min(2000, max(100, pending / 10))))
        }
    }

    /// Milliseconds from an event's receipt to its delivery's first attempt (every attempt succeeds against the sink).
    private func firstAttemptLatencies(since: Int64 = 0) async throws -> [Int64] {
        try await runtime.database.withConnection { db in
            try await db.raw(
                """
                SELECT d.last_attempt_at - e.received_at AS latency FROM deliveries d JOIN events e ON e.id = d.event_id
                WHERE e.received_at >= \(bind: since) AND d.attempts = 1
                """
            ).all().map { try $0.decode(column: "latency", as: Int64.self) }
        }
    }
}
