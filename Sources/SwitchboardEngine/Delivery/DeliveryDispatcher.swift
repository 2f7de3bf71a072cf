import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle
import SwitchboardDomain
import SwitchboardStore

/// Claims due deliveries, sends them, and hands the outcomes to the recorder: the worker of SPEC §5.
///
/// Concurrency is bounded overall and per integration, and a saturated integration is left out of
/// the next claim, so one slow or dead endpoint never holds up the others.
public struct DeliveryDispatcher: Service {
    let store: Store
    let sender: WebhookSender
    let secrets: SecretBox
    let configuration: DispatcherConfiguration
    let localDispatch: LocalDispatch
    let logger: Logger

    /// A dispatcher; `localDispatch` is shared with the local ingest path.
    public init(
        store: Store,
        sender: WebhookSender,
        secrets: SecretBox,
        configuration: DispatcherConfiguration,
        localDispatch: LocalDispatch,
        logger: Logger
    ) {
        self.store = store
        self.sender = sender
        self.secrets = secrets
        self.configuration = configuration
        self.localDispatch = localDispatch
        self.logger = logger
    }

    private enum Signal: Sendable {
        case finished(integrationID: String)
        case tick
        case stop
    }

    /// Runs until graceful shutdown, then lets the attempts in flight finish and records them.
    public func run() async throws {
        let recorder = AttemptRecorder(store: store, logger: logger)
        let (signals, signal) = AsyncStream.makeStream(of: Signal.self)
        await withTaskGroup(of: Void.self) { services in
            services.addTask { await recorder.run() }
            services.addTask {
                // Ticks drive polling for retries and deliveries ingested by other processes.
                while !Task.isCancelled {
                    try? await Task.sleep(for: configuration.pollInterval)
                    signal.yield(.tick)
                }
            }
            services.addTask {
                for await _ in localDispatch.stream { signal.yield(.tick) }
            }
            await withGracefulShutdownHandler {
                await claimLoop(signals: signals, signal: signal, recorder: recorder)
            } onGracefulShutdown: {
                signal.yield(.stop)
            }
            await recorder.finish()
            services.cancelAll()
        }
        logger.info("dispatcher stopped", metadata: ["worker": "\(configuration.workerID)"])
    }

    private func claimLoop(signals: AsyncStream<Signal>, signal: AsyncStream<Signal>.Continuation, recorder: AttemptRecorder) async {
        var queues = DispatchQueues<Prepared>(
            share: configuration.maxInFlightPerIntegration,
            maxRunning: configuration.maxInFlight,
            allowance: max(1, configuration.maxInFlightPerIntegration / 8),
            depth: configuration.maxInFlightPerIntegration * configuration.queueDepth,
            maxWaiting: configuration.maxInFlight * configuration.queueDepth
        )
        // A completion triggers a claim only when there is room worth a query.
        let worthClaiming = max(1, min(configuration.batchSize / 4, configuration.maxInFlightPerIntegration / 2))
        var claims = 0
        var moreDue = true
        var fruitless: Set<String>?
        // A discarding group: finished attempts are freed at once instead of piling up until the group ends.
        await withDiscardingTaskGroup { attempts in
            var iterator = signals.makeAsyncIterator()
            loop: while !Task.isCancelled {
                // Claim when the last claim came back full or a tick says new work may be due.
                let limit = queues.claimLimit(batchSize: configuration.batchSize)
                let excluded = queues.excluded
                // After a claim that found nothing beyond the excluded integrations, the same query would only scan
                // their due rows again: wait for a tick, or for an integration to leave the excluded set.
                if moreDue && limit > 0 && !(fruitless.map { excluded.isSuperset(of: $0) } ?? false) {
                    claims += 1
                    let rooms = queues.waiting.keys.reduce(into: [String: Int]()) { $0[$1] = queues.room(for: $1) }
                    let claimed = await claim(
                        limit: limit,
                        token: "\(configuration.workerID):\(claims)",
                        excluding: excluded,
                        room: { [share = configuration.maxInFlightPerIntegration] in rooms[$0] ?? share },
                        rotation: claims
                    )
                    moreDue = claimed.count == limit
                    fruitless = claimed.isEmpty && !excluded.isEmpty ? excluded : nil
                    await release(queues.enqueue(claimed) { $0.delivery.integrationId })
                } else {
                    moreDue = false
                }
                var expired: [Prepared] = []
                let now = Date()
                for (integration, item) in queues.startable() {
                    // A delivery that waited past its start window goes back: its attempt could outlast the claim.
                    guard item.startBy > now else {
                        expired.append(item)
                        queues.finished(integration)
                        continue
                    }
                    attempts.addTask {
                        await recorder.submit(await attempt(item))
                        signal.yield(.finished(integrationID: integration))
                    }
                }
                if !expired.isEmpty {
                    logger.warning("handing back deliveries that waited too long to start", metadata: ["deliveries": "\(expired.count)"])
                    await release(expired)
                    moreDue = true
                }
                if moreDue { continue }
                guard let next = await iterator.next() else { break }
                switch next {
                case .finished(let integrationID):
                    queues.finished(integrationID)
                    // Refill before the local queues run dry.
                    if queues.claimLimit(batchSize: configuration.batchSize) >= worthClaiming { moreDue = true }
                case .tick:
                    moreDue = true
                    fruitless = nil
                case .stop: break loop
                }
            }
            await release(queues.drainWaiting())
        }
    }

    /// A claimed delivery with everything needed to send it.
    struct Prepared: Sendable {
        let delivery: Delivery
        let url: String
        let body: [UInt8]
        let secrets: [SigningSecret]
        /// The last moment its attempt may start under the claim.
        let startBy: Date
    }

    private func claim(
        limit: Int,
        token: String,
        excluding: Set<String>,
        room: @escaping @Sendable (String) -> Int,
        rotation: Int
    ) async -> [Prepared] {
        do {
            let now = Date()
            let deliveries = try await store.claimDue(
                limit: limit,
                now: now,
                lease: configuration.lease,
                token: token,
                excludingIntegrations: excluding,
                room: room,
                rotation: rotation
            )
            guard !deliveries.isEmpty else { return [] }
            let startBy = now.addingTimeInterval(configuration.startWindow)
            // One body per event, shared by its deliveries: from ingest's cache when it is fresh, else from the store.
            let eventIDs = Set(deliveries.map(\.eventId))
            var bodies = localDispatch.bodies.bodies(for: eventIDs)
            let missing = eventIDs.subtracting(bodies.keys)
            if !missing.isEmpty {
                let types = Dictionary(deliveries.map { ($0.eventId, $0.eventType) }) { first, _ in first }
                for (id, event) in try await store.events(ids: Array(missing)) {
                    guard let type = types[id] else { continue }
                    bodies[id] = WebhookPayload.body(type: type, occurredAt: event.occurredAt, data: event.data)
                }
            }
            let integrations = try await store.integrations(ids: Array(Set(deliveries.map(\.integrationId))))
            var targets: [String: (url: String, secrets: [SigningSecret])] = [:]
            for (id, integration) in integrations where integration.deletedAt == nil && integration.status != .paused {
                targets[id] = try target(of: integration, now: now)
            }
            return deliveries.compactMap { delivery in
                // A delivery of a paused or deleted integration was already marked skipped or cancelled.
                guard let target = targets[delivery.integrationId], let body = bodies[delivery.eventId] else { return nil }
                return Prepared(delivery: delivery, url: target.url, body: body, secrets: target.secrets, startBy: startBy)
            }
        } catch {
            logger.error("claiming deliveries failed", metadata: ["error": "\(error)"])
            return []
        }
    }

    /// Hands claimed but unstarted deliveries back to the queue, so other workers need not wait for the lease.
    private func release(_ items: [Prepared]) async {
        for (token, group) in Dictionary(grouping: items, by: { $0.delivery.claimToken ?? "" }) {
            do {
                try await store.releaseClaims(ids: group.map(\.delivery.id), token: token)
            } catch {
                // Unreleased claims simply come due again when their lease ends.
                logger.warning("releasing claims failed", metadata: ["error": "\(error)", "deliveries": "\(group.count)"])
            }
        }
    }

    /// The URL and the secrets to sign with: the current one, and the previous one during its 24 hours of grace.
    private func target(of integration: Integration, now: Date) throws -> (url: String, secrets: [SigningSecret]) {
        let settings = try JSONDecoder().decode(WebhookSettings.self, from: Data(integration.settings.utf8))
        let secrets = try integration.signingSecrets(opening: self.secrets, now: now)
        return (settings.url, secrets)
    }

    private func attempt(_ item: Prepared) async -> AttemptResult {
        let outcome = await sender.send(url: item.url, messageID: item.delivery.id, body: item.body, secrets: item.secrets)
        let decision = DeliveryDecision.after(
            outcome,
            previousFailures: item.delivery.consecutiveFailures,
            schedule: configuration.schedule,
            now: Date()
        )
        return AttemptResult(delivery: item.delivery, outcome: outcome, decision: decision)
    }
}
