import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import SwitchboardCommands
import SwitchboardDomain
import SwitchboardEmulators
import SwitchboardEngine
import SwitchboardProviders
import SwitchboardStore

/// `switchboard-bench resync`: Resync Historical Contacts of `--registrants` stored registrations into the
/// HubSpot emulator enforcing HubSpot's 100 requests per 10 s, while live registrations flow through the API
/// to the same integration. Reports contacts per second against the limit's 1,000 contacts/s, and how long
/// live registrations took to reach the emulator.
struct ResyncBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resync", abstract: "Measure resync into the rate-limited HubSpot emulator.")

    @Option(help: "Registrants stored before the resync.")
    var registrants = 100_000

    @Option(help: "Live registrations per second during the resync.")
    var liveRate = 1.0

    @Option(help: "Let HubSpot's first and last names be overwritten (false: existing names are read first, one more call per 100).")
    var overwriteNames = true

    @Option(help: "Database URL (default: a fresh SQLite file).")
    var databaseURL: String?

    @Option(help: "Worker processes beside an API-only server, as `switchboard worker` on one PostgreSQL (0: one process does all).")
    var workers = 0

    func run() async throws {
        let logger = {
            var logger = Logger(label: "switchboard.bench")
            logger.logLevel = .error
            return logger
        }()
        let emulator = HubSpotEmulator(requestsPerWindow: 100, window: 10)
        let token = emulator.state.issueToken()
        let listID = emulator.state.createList(named: "Everyone")
        let scratch = ScratchDatabase("resync")
        defer { scratch.remove() }
        let (registrants, liveRate, overwriteNames, workers) = (registrants, liveRate, overwriteNames, workers)
        let url = try scratch.url(unless: databaseURL)
        if workers > 0, case .sqlite = url { throw ValidationError("--workers needs a PostgreSQL --database-url: SQLite serves one process") }
        say(
            "Resync benchmark: \(registrants) registrants into the HubSpot emulator (100 requests / 10 s), live registrations at \(liveRate)/s"
                + (workers > 0 ? ", \(workers) workers beside an API-only server" : "")
        )
        try await emulator.run { hubspotURL in
            var engine = EngineSettings(allowPrivateTargets: true)
            engine.providers = ProviderSettings(["SWITCHBOARD_HUBSPOT_URL": hubspotURL])
            let runtime = try await Runtime.make(databaseURL: url, engine: engine, logger: logger)
            // Each worker has a runtime of its own (pool, dispatcher, rate budgets), as a separate process would.
            var workerRuntimes: [Runtime] = []
            for _ in 0..<workers { workerRuntimes.append(try await Runtime.make(databaseURL: url, engine: engine, logger: logger)) }
            try await withServingRuntime(runtime, workspaceName: "Resync benchmark", workers: workerRuntimes) { workspaceID, key, api in
                let started = ContinuousClock.now
                try await Self.storeHistory(runtime.store, workspaceID: workspaceID, count: registrants)
                say("stored \(registrants) registrations in \(seconds(ContinuousClock.now - started)) s")

                let integrations = runtime.dependencies.integrations
                let created = try await integrations.create(
                    workspaceID: workspaceID,
                    provider: "hubspot",
                    changes: .init(
                        settings: ["list_id": .string(listID), "overwrite_names": .bool(overwriteNames)],
                        credentials: ["access_token": .string(token)]
                    )
                )
                let id = try await integrations.completeSetup(workspaceID: workspaceID, id: created.id).id
                let requestsBefore = emulator.state.requestCount
                let pathsBefore = emulator.state.requestCounts
                let resyncStart = ContinuousClock.now
                let job = try await integrations.startResync(workspaceID: workspaceID, id: id)

                let live = LiveRegistrations(api: api, apiKey: key, rate: liveRate, emulator: emulator.state)
                let liveTask = Task { await live.run() }
                var finished: Job?
                while finished == nil {
                    try await Task.sleep(for: .milliseconds(100))
                    if let current = try await runtime.store.job(workspaceID: workspaceID, id: job.id), current.status != .running,
                        current.status != .queued
                    {
                        finished = current
                    }
                }
                let elapsed = ContinuousClock.now - resyncStart
                liveTask.cancel()
                let latencies = await liveTask.value
                let requests = emulator.state.requestCount - requestsBefore
                let rate = Double(registrants) / seconds(elapsed)
                say("resync \(finished?.status.rawValue ?? "?"): \(finished?.done ?? 0) done, \(finished?.failed ?? 0) failed")
                say(
                    String(
                        format: "resync: %d contacts in %.1f s = %.0f contacts/s (%.1f%% of the 1,000 contacts/s limit)",
                        registrants,
                        seconds(elapsed),
                        rate,
                        rate / 10
                    )
                )
                say(
                    "HubSpot requests during the resync: \(requests) (\(String(format: "%.1f", Double(requests) / seconds(elapsed) * 10)) per 10 s), "
                        + "\(emulator.state.rateLimitedCount) answered 429"
                )
                say("  by endpoint: " + Self.byEndpoint(emulator.state.requestCounts, since: pathsBefore))
                say(
                    "HubSpot contacts in the emulator: \(emulator.state.contactCount), list members: \(emulator.state.memberEmails(of: listID).count)"
                )
                let latency = Latency(latencies.map { Int64($0 * 1000) })
                let sorted = latencies.sorted()
                say("live latencies (s): min \(String(format: "%.2f", sorted.first ?? 0)), max \(String(format: "%.2f", sorted.last ?? 0))")
                say(
                    "live registrations: \(latencies.count) reached HubSpot, event→contact p50 \(String(format: "%.2f", latency.p50 / 1000)) s, p99 \(String(format: "%.2f", latency.p99 / 1000)) s (target < 5 s)"
                )
            }
        }
    }

    /// Requests since `before`, grouped by what they did: "upsert 1000, lists 10, …".
    static func byEndpoint(_ now: [String: Int], since before: [String: Int]) -> String {
        let kinds: [(String, String)] = [
            ("batch/upsert", "upsert"), ("batch/read", "read"), ("memberships", "lists"), ("attendance", "participations"),
            ("/events/", "marketing events"),
        ]
        var counts: [String: Int] = [:]
        for (path, count) in now {
            let kind = kinds.first { path.contains($0.0) }?.1 ?? "other"
            counts[kind, default: 0] += count - (before[path] ?? 0)
        }
        return counts.filter { $0.value > 0 }.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    static func storeHistory(_ store: Store, workspaceID: String, count: Int) async throws {
        for start in stride(from: 0, to: count, by: 1000) {
            let events = (start..<min(start + 1000, count)).map { index in
                InboundEvent(
                    type: .registrationCreated,
                    idempotencyKey: "history-\(index)",
                    occurredAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(index)),
                    data: [
                        "broadcast": .object(["id": .string("brd_\(index % 20)")]),
                        "registrant": .object(["email": .string("person\(index)@example.com"), "first_name": .string("Person \(index)")]),
                    ]
                )
            }
            _ = try await store.ingest(workspaceID: workspaceID, events: events)
        }
    }
}

/// Posts live registrations through the API at a steady rate and measures when each contact appears in the
/// HubSpot emulator.
struct LiveRegistrations {
    let api: String
    let apiKey: String
    let rate: Double
    let emulator: HubSpotEmulatorState

    /// Runs until cancelled; returns each registration's seconds from POST to the contact in HubSpot.
    func run() async -> [Double] {
        guard rate > 0 else { return [] }
        var sent: [String: ContinuousClock.Instant] = [:]
        var latencies: [Double] = []
        var index = 0
        var nextPost = ContinuousClock.now
        while !Task.isCancelled {
            let now = ContinuousClock.now
            if now >= nextPost {
                let email = "live\(index)@example.com"
                index += 1
                var request = HTTPClientRequest(url: "\(api)/v1/events")
                request.method = .POST
                request.headers.add(name: "authorization", value: "Bearer \(apiKey)")
                request.headers.add(name: "content-type", value: "application/json")
                request.body = .bytes(
                    ByteBuffer(
                        string:
                            #"{"type":"registration.created","idempotency_key":"\#(email)","data":{"broadcast":{"id":"brd_live"},"registrant":{"email":"\#(email)"}}}"#
                    )
                )
                sent[email] = now
                _ = try? await HTTPClient.shared.execute(request, timeout: .seconds(5))
                nextPost = nextPost + .milliseconds(Int64(1000 / rate))
            }
            for (email, at) in sent where emulator.hasContact(email) {
                latencies.append(seconds(ContinuousClock.now - at))
                sent[email] = nil
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return latencies
    }
}

/// Prints a line at once (stdout to a file is block-buffered, and this benchmark runs for minutes).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
