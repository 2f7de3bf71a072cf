import AsyncHTTPClient
import Foundation
import Logging
import SwitchboardDomain
import SwitchboardEmulators
import SwitchboardEngine
import SwitchboardProviders
import SwitchboardStore
import SwitchboardTestSupport
import Testing

/// Resync Historical Contacts against the emulators: exactly the right contacts, lists, tags and fields,
/// never activity; a runner stopped midway leaves a checkpoint that another runner finishes from.
@Suite("Resync historical contacts")
struct ResyncTests {
    static let count = 10_000

    @Test("HubSpot: 10k registrants resync into contacts with fields and the list, no marketing events; a stop midway resumes")
    func hubspot() async throws {
        let emulator = HubSpotEmulator(requestsPerWindow: 1000, window: 10)
        let token = emulator.state.issueToken()
        let listID = emulator.state.createList(named: "Everyone")
        emulator.state.defineProperty("jobtitle", label: "Job Title")
        try await emulator.run { url in
            let catalogue: @Sendable (HTTPClient) -> ProviderCatalogue = {
                Providers.catalogue(http: $0, settings: .init(["SWITCHBOARD_HUBSPOT_URL": url, "SWITCHBOARD_HUBSPOT_RATE_LIMIT": "1000"]))
            }
            try await withEngine(.sqlite, catalogue: catalogue) { harness in
                try await Self.storeHistory(harness)
                let created = try await harness.integrations.create(
                    workspaceID: harness.workspace.id,
                    provider: "hubspot",
                    changes: .init(
                        settings: ["list_id": .string(listID), "properties": ["jobtitle": "custom_fields.role"]],
                        credentials: ["access_token": .string(token)]
                    )
                )
                let id = try await harness.integrations.completeSetup(workspaceID: harness.workspace.id, id: created.id).id
                let job = try await harness.integrations.startResync(workspaceID: harness.workspace.id, id: id)
                #expect(job.total == Self.count)
                await #expect(throws: IntegrationError.self) { try await harness.integrations.startResync(workspaceID: harness.workspace.id, id: id) }

                // The first runner stops after its first page (as a killed process would); the second continues.
                let finished = try await Self.runInterrupted(harness, job: job, stopAfter: 5000)
                #expect(finished.status == .succeeded)
                #expect(finished.done == Self.count && finished.failed == 0)

                let contacts = emulator.state.contactsByEmail
                #expect(contacts.count == Self.count)
                #expect(contacts["person00042@example.com"]?.properties["jobtitle"] == "role-42")
                #expect(contacts["person00042@example.com"]?.properties["firstname"] == "First42")
                #expect(emulator.state.memberEmails(of: listID).count == Self.count)
                #expect(emulator.state.marketingEvents.isEmpty)
                let notifications = try await harness.store.notifications(workspaceID: harness.workspace.id, limit: 5, cursor: nil).items
                #expect(notifications.first?.kind == "resync.finished")
            }
        }
    }

    @Test("Mailchimp: 10k registrants resync into members with merge fields and tags, no member events")
    func mailchimp() async throws {
        let emulator = MailchimpEmulator()
        let key = emulator.state.issueKey()
        let audience = emulator.state.createAudience(named: "All", mergeFields: ["FNAME": "First", "ROLE": "Role"])
        // Someone who unsubscribed before: the resync updates their fields and tags, never their status.
        emulator.state.putMember("person00007@example.com", status: "unsubscribed", mergeFields: ["FNAME": "Old"], in: audience)
        try await emulator.run { url in
            try await withEngine(.sqlite, catalogue: { Providers.catalogue(http: $0, settings: .init(["SWITCHBOARD_MAILCHIMP_URL": url])) }) {
                harness in
                try await Self.storeHistory(harness)
                let created = try await harness.integrations.create(
                    workspaceID: harness.workspace.id,
                    provider: "mailchimp",
                    changes: .init(
                        settings: [
                            "audience_id": .string(audience), "tags": ["webinar", "history"],
                            "merge_fields": ["FNAME": "first_name", "ROLE": "custom_fields.role"],
                        ],
                        credentials: ["api_key": .string(key)]
                    )
                )
                let id = try await harness.integrations.completeSetup(workspaceID: harness.workspace.id, id: created.id).id
                let job = try await harness.integrations.startResync(workspaceID: harness.workspace.id, id: id)
                let finished = try await Self.runInterrupted(harness, job: job, stopAfter: 3000)
                #expect(finished.status == .succeeded)
                #expect(finished.done == Self.count && finished.failed == 0)
                let members = emulator.state.members(of: audience)
                #expect(members.count == Self.count)
                #expect(members["person00042@example.com"]?.mergeFields == ["FNAME": "First42", "ROLE": "role-42"])
                #expect(members.values.allSatisfy { $0.tags == ["webinar", "history"] && $0.events.isEmpty })
                #expect(members["person00007@example.com"]?.status == "unsubscribed")
                #expect(members["person00007@example.com"]?.mergeFields["FNAME"] == "First7")
                #expect(members.values.filter { $0.status == "subscribed" }.count == Self.count - 1)
                // Batch endpoints: per page of 500 a batch subscribe, a tag lookup and one call per tag (80 calls), not a call
                // per member (20,000); the page the stopped runner left is redone, its members (now existing) one by one.
                #expect(emulator.state.requestCount < 1_000)
            }
        }
    }

    @Test("a cancelled resync stops at its next page; per-contact failures are counted and shown", arguments: StoreEngine.allCases)
    func cancelAndFailures(_ engine: StoreEngine) async throws {
        let emulator = HubSpotEmulator(requestsPerWindow: 1000, window: 10)
        let token = emulator.state.issueToken()
        emulator.state.defineProperty("shoe_size", label: "Shoe size", type: "number")
        try await emulator.run { url in
            let catalogue: @Sendable (HTTPClient) -> ProviderCatalogue = {
                Providers.catalogue(http: $0, settings: .init(["SWITCHBOARD_HUBSPOT_URL": url, "SWITCHBOARD_HUBSPOT_RATE_LIMIT": "1000"]))
            }
            try await withEngine(engine, catalogue: catalogue) { harness in
                try await Self.storeHistory(harness, count: 300)
                let created = try await harness.integrations.create(
                    workspaceID: harness.workspace.id,
                    provider: "hubspot",
                    // A number property filled with text: HubSpot refuses each of those contacts (207, one error per input).
                    changes: .init(settings: ["properties": ["shoe_size": "custom_fields.role"]], credentials: ["access_token": .string(token)])
                )
                let id = try await harness.integrations.completeSetup(workspaceID: harness.workspace.id, id: created.id).id
                let failed = try await harness.resync(id)
                #expect(failed.status == .succeeded)
                #expect(failed.failed == 300 && failed.done == 300)
                #expect(failed.errors.contains("role-7 was not a valid number"), "\(failed.errors.prefix(300))")

                let second = try await harness.integrations.startResync(workspaceID: harness.workspace.id, id: id)
                _ = try await harness.store.cancelJob(workspaceID: harness.workspace.id, id: second.id)
                #expect(try await harness.store.claimJob(kinds: ["resync"], worker: "w", now: Date(), lease: 5) == nil)
            }
        }
    }

    @Test("resyncs take turns: a small one queued behind a large one of another workspace finishes long before it", arguments: StoreEngine.allCases)
    func turns(_ engine: StoreEngine) async throws {
        let emulator = HubSpotEmulator(requestsPerWindow: 1000, window: 10)
        let (bigToken, smallToken) = (emulator.state.issueToken(), emulator.state.issueToken())
        try await emulator.run { url in
            let catalogue: @Sendable (HTTPClient) -> ProviderCatalogue = {
                Providers.catalogue(http: $0, settings: .init(["SWITCHBOARD_HUBSPOT_URL": url, "SWITCHBOARD_HUBSPOT_RATE_LIMIT": "1000"]))
            }
            try await withEngine(engine, catalogue: catalogue) { harness in
                try await Self.storeHistory(harness, count: 300)
                let other = try await harness.store.createWorkspace(name: "Small tenant")
                _ = try await harness.store.ingest(
                    workspaceID: other.id,
                    events: (0..<5).map { Fixtures.registration("small\($0)@example.com", broadcast: "brd_small") }
                )
                func connect(_ workspace: String, _ token: String) async throws -> String {
                    let created = try await harness.integrations.create(
                        workspaceID: workspace,
                        provider: "hubspot",
                        changes: .init(settings: [:], credentials: ["access_token": .string(token)])
                    )
                    return try await harness.integrations.completeSetup(workspaceID: workspace, id: created.id).id
                }
                let big = try await harness.integrations.startResync(
                    workspaceID: harness.workspace.id,
                    id: try await connect(harness.workspace.id, bigToken)
                )
                let small = try await harness.integrations.startResync(workspaceID: other.id, id: try await connect(other.id, smallToken))
                let runner = ResyncRunner(
                    store: harness.store,
                    integrations: harness.integrations,
                    workerID: "w",
                    pollInterval: .milliseconds(20),
                    pageLimit: 10,
                    slice: .zero,
                    logger: Logger(label: "t")
                )
                let running = Task { try await runner.run() }
                defer { running.cancel() }
                let deadline = ContinuousClock.now + .seconds(60)
                var smallDone = try #require(try await harness.store.job(workspaceID: other.id, id: small.id))
                while smallDone.status != .succeeded && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(10))
                    smallDone = try #require(try await harness.store.job(workspaceID: other.id, id: small.id))
                }
                #expect(smallDone.status == .succeeded && smallDone.done == 5)
                let bigThen = try #require(try await harness.store.job(workspaceID: harness.workspace.id, id: big.id))
                #expect(bigThen.done > 0 && bigThen.done < 300, "the large one had started and was far from done: \(bigThen.done)")
                while ContinuousClock.now < deadline {
                    if try await harness.store.job(workspaceID: harness.workspace.id, id: big.id)?.status == .succeeded { break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                let bigDone = try #require(try await harness.store.job(workspaceID: harness.workspace.id, id: big.id))
                #expect(bigDone.status == .succeeded && bigDone.done == 300, "it went on from its checkpoint to the end")
            }
        }
    }

    /// Runs the job with one runner until `stopAfter` contacts are done, stops it, and lets a second runner
    /// (another worker, after the first one's lease) finish; returns the finished job.
    static func runInterrupted(_ harness: EngineHarness, job: Job, stopAfter: Int) async throws -> Job {
        let lease: TimeInterval = 0.3
        let first = ResyncRunner(
            store: harness.store,
            integrations: harness.integrations,
            workerID: "first",
            pollInterval: .milliseconds(20),
            lease: lease,
            pageLimit: 2500,
            logger: Logger(label: "t")
        )
        let running = Task { try await first.run() }
        while (try await harness.store.job(workspaceID: harness.workspace.id, id: job.id))?.done ?? 0 < stopAfter {
            try await Task.sleep(for: .milliseconds(5))
        }
        running.cancel()
        _ = try? await running.value
        let stopped = try #require(try await harness.store.job(workspaceID: harness.workspace.id, id: job.id))
        #expect(stopped.status == .running && stopped.done < Self.count)
        try await Task.sleep(for: .milliseconds(Int(lease * 1000) + 50))
        let second = ResyncRunner(
            store: harness.store,
            integrations: harness.integrations,
            workerID: "second",
            pollInterval: .milliseconds(20),
            lease: 30,
            logger: Logger(label: "t")
        )
        let resumed = Task { try await second.run() }
        defer { resumed.cancel() }
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let current = try #require(try await harness.store.job(workspaceID: harness.workspace.id, id: job.id))
            if current.status != .running && current.status != .queued { return current }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw CancellationError()
    }

    /// Registrations of `count` people (some registered twice, for two broadcasts) and attendance of some,
    /// stored before any integration exists.
    static func storeHistory(_ harness: EngineHarness, count: Int = count) async throws {
        var events: [InboundEvent] = []
        for index in 0..<count {
            let email = String(format: "person%05d@example.com", index)
            events.append(
                InboundEvent(
                    type: .registrationCreated,
                    idempotencyKey: "reg-\(index)",
                    occurredAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(index)),
                    data: [
                        "broadcast": .object(["id": .string(index % 3 == 0 ? "brd_a" : "brd_b")]),
                        "registrant": .object([
                            "email": .string(email), "first_name": .string("First\(index)"),
                            "custom_fields": .object(["role": .string("role-\(index)")]),
                        ]),
                    ]
                )
            )
            if index % 10 == 0 { events.append(Fixtures.attendance(email, broadcast: "brd_b", seconds: 60)) }
        }
        for chunk in events.chunked(into: 1000) {
            _ = try await harness.store.ingest(workspaceID: harness.workspace.id, events: Array(chunk))
        }
    }
}
