import Foundation
import SQLKit
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardStore
import SwitchboardTestSupport
import Synchronization
import Testing

@Suite("Delivering webhooks")
struct DeliveryTests {
    @Test("an integration whose secret cannot be opened holds up only its own deliveries", arguments: StoreEngine.allCases)
    func unreadableSecret(engine: StoreEngine) async throws {
        try await withEngine(engine) { harness in
            try await TestReceiver().run { receiver in
                let broken = try await harness.webhook(url: receiver.url + "/broken")
                _ = try await harness.webhook(url: receiver.url + "/healthy")
                // As if the operator changed SWITCHBOARD_SECRET_KEY: the stored secret no longer opens.
                try await harness.store.database.withConnection { db in
                    try await db.raw("UPDATE integrations SET signing_secret = 'v1:not-a-sealed-secret' WHERE id = \(bind: broken.id)").run()
                }
                try await harness.ingest((0..<30).map { Fixtures.registration("s\($0)@example.com") })
                #expect(await receiver.wait { $0.filter { $0.path == "/healthy" }.count == 30 })
                #expect(receiver.received.allSatisfy { $0.path == "/healthy" })
            }
        }
    }

    @Test("every delivery arrives signed with the integration's secret, its webhook-id the delivery id", arguments: StoreEngine.allCases)
    func signedDeliveries(engine: StoreEngine) async throws {
        try await withEngine(engine) { harness in
            try await TestReceiver().run { receiver in
                let integration = try await harness.webhook(url: receiver.url + "/hooks")
                let secret = try #require(
                    SigningSecret(try await harness.integrations.signingSecret(workspaceID: harness.workspace.id, id: integration.id).secret)
                )
                let results = try await harness.ingest((0..<20).map { Fixtures.registration("p\($0)@example.com") })
                #expect(await receiver.wait { $0.count == 20 })
                #expect(try await harness.settle())

                let verifier = SignatureVerifier(secret: secret)
                for request in receiver.received {
                    try verifier.verify(
                        messageID: request.headers["webhook-id"],
                        timestamp: request.headers["webhook-timestamp"],
                        signatureHeader: request.headers["webhook-signature"],
                        body: request.body
                    )
                    #expect(request.headers["content-type"] == "application/json")
                    let body = try JSONDecoder().decode(JSONValue.self, from: Data(request.body))
                    #expect(body["type"] == .string("registration.created"))
                    #expect(body["data"]?["registrant"]?["email"]?.stringValue?.hasSuffix("@example.com") == true)
                }
                let delivered = try await harness.store.deliveries(
                    workspaceID: harness.workspace.id,
                    filter: DeliveryFilter(status: .succeeded),
                    limit: 100,
                    cursor: nil
                )
                #expect(Set(delivered.items.map(\.id)) == Set(receiver.received.compactMap(\.webhookID)))
                #expect(Set(delivered.items.map(\.eventId)) == Set(results.map(\.id)))
                let stored = try #require(try await harness.store.integration(workspaceID: harness.workspace.id, id: integration.id))
                #expect(stored.status == .active)
                #expect(stored.lastSuccessAt != nil)
            }
        }
    }

    @Test(
        "a receiver failing 30% at random and answering some 429 with Retry-After still gets everything, on schedule",
        arguments: StoreEngine.allCases
    )
    func flakyReceiver(engine: StoreEngine) async throws {
        let schedule = RetrySchedule(delays: [0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05], jitter: 0)
        try await withEngine(engine, schedule: schedule) { harness in
            let answers = Mutex<SystemRandomNumberGenerator>(SystemRandomNumberGenerator())
            let receiver = TestReceiver { _ in
                let roll = answers.withLock { Int.random(in: 0..<100, using: &$0) }
                if roll < 5 { return .init(status: 429, headers: ["Retry-After": "1"]) }
                if roll < 30 { return .init(status: [500, 502, 503][roll % 3]) }
                return .init(status: 200)
            }
            try await receiver.run { receiver in
                _ = try await harness.webhook(url: receiver.url)
                _ = try await harness.ingest((0..<150).map { Fixtures.registration("r\($0)@example.com") })
                #expect(try await harness.settle(timeout: .seconds(60)))

                let all = try await harness.store.deliveries(workspaceID: harness.workspace.id, filter: DeliveryFilter(), limit: 200, cursor: nil)
                #expect(all.items.count == 150)
                #expect(all.items.allSatisfy { $0.status == .succeeded })
                let byID = Dictionary(grouping: receiver.received, by: { $0.webhookID ?? "" })
                #expect(Set(byID.keys) == Set(all.items.map(\.id)), "every message arrived, under its own webhook-id on each retry")
                var sawRetryAfter = false
                for delivery in all.items where delivery.attempts > 1 {
                    let (_, attempts) = try #require(try await harness.store.delivery(workspaceID: harness.workspace.id, id: delivery.id))
                    for (earlier, later) in zip(attempts, attempts.dropFirst()) {
                        let gap = later.attemptedAt - earlier.attemptedAt
                        if earlier.statusCode == 429 {
                            sawRetryAfter = true
                            #expect(gap >= 1000, "Retry-After: 1 is honoured")
                        } else {
                            #expect(gap >= 50, "the schedule's wait is honoured")
                        }
                    }
                }
                #expect(sawRetryAfter || !receiver.received.isEmpty)
            }
        }
    }

    @Test("a hanging endpoint does not hold up a healthy one", arguments: StoreEngine.allCases)
    func slowEndpointIsolated(engine: StoreEngine) async throws {
        // The receivers outlive the engine, so that no retry ever connects to a server that is shutting down.
        let hanging = TestReceiver { _ in .init(status: 200, delay: .seconds(120)) }
        try await hanging.run { hanging in
            try await TestReceiver().run { healthy in
                // The attempt timeout is what the healthy endpoint must beat, long against a loaded machine.
                try await withEngine(engine, timeout: .seconds(90), maxInFlightPerIntegration: 4) { harness in
                    _ = try await harness.webhook(url: hanging.url)
                    _ = try await harness.webhook(url: healthy.url)
                    let started = ContinuousClock.now
                    _ = try await harness.ingest((0..<40).map { Fixtures.registration("s\($0)@example.com") })
                    #expect(await healthy.wait(timeout: .seconds(85)) { Set($0.compactMap(\.webhookID)).count == 40 })
                    let elapsed = ContinuousClock.now - started
                    #expect(elapsed < .seconds(90), "the healthy endpoint got all 40 before the hanging one's first timeout")
                    #expect(hanging.received.count <= 4, "the hanging endpoint holds at most its own share of slots")
                }
            }
        }
    }

    @Test("410 Gone fails the delivery at once and pauses the endpoint; later events are skipped", arguments: StoreEngine.allCases)
    func goneEndpoint(engine: StoreEngine) async throws {
        try await withEngine(engine) { harness in
            try await TestReceiver { _ in .init(status: 410) }.run { receiver in
                let integration = try await harness.webhook(url: receiver.url)
                _ = try await harness.ingest([Fixtures.registration("g@example.com")])
                #expect(try await harness.settle())
                let stored = try #require(try await harness.store.integration(workspaceID: harness.workspace.id, id: integration.id))
                #expect(stored.status == .paused)
                #expect(stored.pauseReason == .endpointFailing)
                #expect(receiver.received.count == 1)

                _ = try await harness.ingest([Fixtures.registration("h@example.com")])
                let skipped = try await harness.store.deliveries(
                    workspaceID: harness.workspace.id,
                    filter: DeliveryFilter(status: .skipped),
                    limit: 10,
                    cursor: nil
                )
                #expect(skipped.items.count == 1)
            }
        }
    }

    @Test("a paused integration records skipped deliveries, which are replayed after resuming", arguments: StoreEngine.allCases)
    func pauseAndReplay(engine: StoreEngine) async throws {
        try await withEngine(engine) { harness in
            try await TestReceiver().run { receiver in
                let integration = try await harness.webhook(url: receiver.url)
                _ = try await harness.integrations.pause(workspaceID: harness.workspace.id, id: integration.id)
                let since = Date().addingTimeInterval(-1)
                _ = try await harness.ingest((0..<5).map { Fixtures.registration("z\($0)@example.com") })
                try await Task.sleep(for: .milliseconds(300))
                #expect(receiver.received.isEmpty, "nothing is sent while paused")

                _ = try await harness.integrations.resume(workspaceID: harness.workspace.id, id: integration.id)
                let queued = try await BulkRedelivery.start(
                    store: harness.store,
                    workspaceID: harness.workspace.id,
                    integrationID: integration.id,
                    status: .skipped,
                    since: since
                )
                #expect(queued.status == .queued && queued.total == 5)
                // A runner works through it two at a time, saving where it is after each chunk.
                let runner = BulkRedelivery(
                    store: harness.store,
                    localDispatch: harness.localDispatch,
                    workerID: "t",
                    chunkSize: 2,
                    logger: testLogger
                )
                let claimed = try #require(try await harness.store.claimJob(kinds: [BulkRedelivery.kind], worker: "t", now: Date(), lease: 30))
                await runner.process(claimed)
                let job = try #require(try await harness.store.job(workspaceID: harness.workspace.id, id: queued.id))
                #expect(job.status == .succeeded && job.done == 5 && job.total == 5)
                #expect(await receiver.wait { $0.count == 5 })
            }
        }
    }

    @Test("pausing stops deliveries already queued in the worker, not only new ones", arguments: StoreEngine.allCases)
    func pauseStopsQueued(engine: StoreEngine) async throws {
        try await withEngine(engine, maxInFlightPerIntegration: 2) { harness in
            // A slow endpoint: two attempts a second; the worker queues eight more (four shares), the rest wait in the store.
            try await TestReceiver { _ in .init(status: 204, delay: .seconds(1)) }.run { receiver in
                let integration = try await harness.webhook(url: receiver.url + "/slow")
                try await harness.ingest((0..<40).map { Fixtures.registration("q\($0)@example.com") })
                #expect(await receiver.wait { $0.count >= 2 })
                _ = try await harness.integrations.pause(workspaceID: harness.workspace.id, id: integration.id)
                // What was sent before the pause is succeeded; everything else is skipped, ready to replay (an attempt
                // that started in the moment before the worker saw the pause is replayed too: at least once).
                let deadline = ContinuousClock.now + .seconds(60)
                var counts = try await harness.store.deliveryCounts(integrationID: integration.id)
                while counts[.succeeded, default: 0] + counts[.skipped, default: 0] < 40, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                    counts = try await harness.store.deliveryCounts(integrationID: integration.id)
                }
                #expect(counts[.succeeded, default: 0] + counts[.skipped, default: 0] == 40)
                // The store skipped the rest at once; the worker drops what it had queued when it sees the pause (it
                // checks every second), and may start one or two meanwhile: wait until nothing has arrived for 2 s.
                var settled = receiver.received.count
                var quietSince = ContinuousClock.now
                while ContinuousClock.now - quietSince < .seconds(2), ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                    if receiver.received.count != settled { (settled, quietSince) = (receiver.received.count, ContinuousClock.now) }
                }
                #expect(settled < 20, "the queue was dropped, not worked through")
                #expect(counts[.skipped, default: 0] >= 40 - settled)
                try await Task.sleep(for: .milliseconds(1500))
                #expect(receiver.received.count == settled, "nothing more starts once the worker has seen the pause")
            }
        }
    }

    @Test("Test sends a signed sample at once and reports the attempt, without storing a delivery", arguments: [StoreEngine.sqlite])
    func testDelivery(engine: StoreEngine) async throws {
        try await withEngine(engine) { harness in
            try await TestReceiver { _ in .init(status: 503) }.run { receiver in
                let integration = try await harness.webhook(url: receiver.url + "/t")
                let outcome = try await harness.integrations.test(workspaceID: harness.workspace.id, id: integration.id)
                #expect(outcome.statusCode == 503)
                #expect(!outcome.succeeded)
                let request = try #require(receiver.received.first)
                let secret = try #require(
                    SigningSecret(try await harness.integrations.signingSecret(workspaceID: harness.workspace.id, id: integration.id).secret)
                )
                try SignatureVerifier(secret: secret).verify(
                    messageID: request.webhookID,
                    timestamp: request.headers["webhook-timestamp"],
                    signatureHeader: request.headers["webhook-signature"],
                    body: request.body
                )
                let body = try JSONDecoder().decode(JSONValue.self, from: Data(request.body))
                #expect(body["data"]?["test"] == .bool(true))
                let stored = try await harness.store.deliveries(workspaceID: harness.workspace.id, filter: DeliveryFilter(), limit: 5, cursor: nil)
                #expect(stored.items.isEmpty)
            }
        }
    }

    @Test("a change of URL or secret reaches the very next delivery, though routes are kept between them", arguments: StoreEngine.allCases)
    func routeChanges(engine: StoreEngine) async throws {
        try await withEngine(engine) { harness in
            try await TestReceiver().run { receiver in
                let integration = try await harness.webhook(url: receiver.url + "/first")
                let workspaceID = harness.workspace.id
                try await harness.ingest([Fixtures.registration("a@example.com")])
                #expect(await receiver.wait { $0.count == 1 })

                // Each change moves `updated_at`, which counts milliseconds: let one pass.
                try await Task.sleep(for: .milliseconds(2))
                _ = try await harness.integrations.update(workspaceID: workspaceID, id: integration.id, changes: .init(url: receiver.url + "/second"))
                try await harness.ingest([Fixtures.registration("b@example.com")])
                #expect(await receiver.wait { $0.count == 2 })
                #expect(receiver.received.map(\.path) == ["/first", "/second"])

                try await Task.sleep(for: .milliseconds(2))
                let (newText, _) = try await harness.integrations.rotateSigningSecret(workspaceID: workspaceID, id: integration.id)
                try await harness.ingest([Fixtures.registration("c@example.com")])
                #expect(await receiver.wait { $0.count == 3 })
                let request = try #require(receiver.received.last)
                #expect(request.headers["webhook-signature"]?.split(separator: " ").count == 2, "signed with the new and the previous secret")
                try SignatureVerifier(secret: try #require(SigningSecret(newText))).verify(
                    messageID: request.webhookID,
                    timestamp: request.headers["webhook-timestamp"],
                    signatureHeader: request.headers["webhook-signature"],
                    body: request.body
                )
            }
        }
    }

    @Test("after a rotation deliveries carry the new and the previous signature", arguments: [StoreEngine.sqlite])
    func rotation(engine: StoreEngine) async throws {
        try await withEngine(engine) { harness in
            try await TestReceiver().run { receiver in
                let integration = try await harness.webhook(url: receiver.url)
                let old = try #require(
                    SigningSecret(try await harness.integrations.signingSecret(workspaceID: harness.workspace.id, id: integration.id).secret)
                )
                let (newText, expires) = try await harness.integrations.rotateSigningSecret(workspaceID: harness.workspace.id, id: integration.id)
                let new = try #require(SigningSecret(newText))
                #expect(expires.timeIntervalSinceNow > 23 * 3600)
                _ = try await harness.ingest([Fixtures.registration("rot@example.com")])
                #expect(await receiver.wait { $0.count == 1 })
                let request = try #require(receiver.received.first)
                #expect(request.headers["webhook-signature"]?.split(separator: " ").count == 2)
                for secret in [old, new] {
                    try SignatureVerifier(secret: secret).verify(
                        messageID: request.webhookID,
                        timestamp: request.headers["webhook-timestamp"],
                        signatureHeader: request.headers["webhook-signature"],
                        body: request.body
                    )
                }
            }
        }
    }
}
