import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle
import SwitchboardDomain
import SwitchboardStore
import Synchronization

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
    let catalogue: ProviderCatalogue
    let sessions: ProviderSessions
    let logger: Logger
    /// Routes of integrations whose deliveries were handed over at ingest (`prepare`).
    let routes = RouteCache()

    /// A dispatcher; `localDispatch` is shared with the local ingest path, `sessions` with resync jobs.
    public init(
        store: Store,
        sender: WebhookSender,
        secrets: SecretBox,
        configuration: DispatcherConfiguration,
        localDispatch: LocalDispatch,
        catalogue: ProviderCatalogue = ProviderCatalogue(),
        sessions: ProviderSessions = ProviderSessions(),
        logger: Logger
    ) {
        self.store = store
        self.sender = sender
        self.secrets = secrets
        self.configuration = configuration
        self.localDispatch = localDispatch
        self.catalogue = catalogue
        self.sessions = sessions
        self.logger = logger
    }

    private enum Signal: Sendable {
        case claimed([Prepared], limit: Int, excluded: Set<String>)
        /// Integrations with queued deliveries that are now paused or deleted.
        case halted(Set<String>)
        /// Attempts finished: `FinishedAttempts` says of which integrations.
        case finished
        case tick
        /// Deliveries claimed at ingest, prepared outside the loop so that it never waits on the store for them.
        case handedOff([Delivery], [Prepared])
        case stop
    }

    /// Runs until graceful shutdown, then lets the attempts in flight finish and records them.
    public func run() async throws {
        let recorder = AttemptRecorder(store: store, logger: logger)
        let (signals, signal) = AsyncStream.makeStream(of: Signal.self)
        await withTaskGroup(of: Void.self) { recording in
            // The recorder is not cancelled: after `finish()` it writes what is left and returns by itself.
            recording.addTask { await recorder.run() }
            await withTaskGroup(of: Void.self) { services in
                services.addTask {
                    // Ticks drive polling for retries and deliveries ingested by other processes.
                    while !Task.isCancelled {
                        try? await Task.sleep(for: configuration.pollInterval)
                        signal.yield(.tick)
                    }
                }
                services.addTask {
                    for await _ in localDispatch.wakeUps { signal.yield(.tick) }
                }
                services.addTask {
                    for await handOff in localDispatch.handOffs {
                        let prepared = await prepare(handOff.deliveries, now: Date(), versions: handOff.integrationVersions)
                        signal.yield(.handedOff(handOff.deliveries, prepared))
                    }
                }
                localDispatch.attach(token: "\(configuration.workerID):ingest", lease: configuration.lease, defaultRoom: queueDepth)
                await withGracefulShutdownHandler {
                    await claimLoop(signals: signals, signal: signal, recorder: recorder)
                } onGracefulShutdown: {
                    localDispatch.detach()
                    signal.yield(.stop)
                }
                localDispatch.detach()
                services.cancelAll()
            }
            await recorder.finish()
        }
        logger.info("dispatcher stopped", metadata: ["worker": "\(configuration.workerID)"])
    }

    /// How many claimed deliveries may wait per integration.
    private var queueDepth: Int { configuration.maxInFlightPerIntegration * configuration.queueDepth }

    private func claimLoop(signals: AsyncStream<Signal>, signal: AsyncStream<Signal>.Continuation, recorder: AttemptRecorder) async {
        var queues = DispatchQueues<Prepared>(
            share: configuration.maxInFlightPerIntegration,
            maxRunning: configuration.maxInFlight,
            allowance: max(1, configuration.maxInFlightPerIntegration / 8),
            depth: queueDepth,
            maxWaiting: configuration.maxInFlight * configuration.queueDepth
        )
        // A completion triggers a claim only when there is room worth a query.
        let worthClaiming = max(1, min(configuration.batchSize / 4, configuration.maxInFlightPerIntegration / 2))
        var claims = 0
        var moreDue = true
        var claiming = false
        var stopping = false
        var fruitless: Set<String>?
        var checkingStatus = false
        var lastStatusCheck = ContinuousClock.now
        let finishedAttempts = FinishedAttempts()
        // One discarding group for attempts, claims and releases: finished tasks are freed at once. Claims run
        // beside the loop, one at a time, so that attempts keep starting while a claim waits for the store.
        await withDiscardingTaskGroup { tasks in
            var iterator = signals.makeAsyncIterator()
            loop: while !Task.isCancelled {
                if stopping && !claiming { break }
                // Queued deliveries of an integration paused or deleted since its claim are not sent: check now and then.
                if !checkingStatus && !queues.waiting.isEmpty && ContinuousClock.now - lastStatusCheck >= configuration.statusCheckInterval {
                    checkingStatus = true
                    lastStatusCheck = ContinuousClock.now
                    let queued = Array(queues.waiting.keys)
                    tasks.addTask { signal.yield(.halted(await halted(among: queued))) }
                }
                let surplus = queues.surplus()
                if !surplus.isEmpty { tasks.addTask { await release(surplus) } }
                let rooms = queues.waiting.keys.reduce(into: [String: Int]()) { $0[$1] = queues.room(for: $1) }
                let (workspaceRooms, newWorkspaceRoom) = queues.workspaceRooms()
                localDispatch.publish(room: rooms, workspaceRoom: workspaceRooms, newWorkspaceRoom: newWorkspaceRoom)
                // Claim when the last claim came back full or a tick says new work may be due.
                let limit = queues.claimLimit(batchSize: configuration.batchSize)
                let excluded = queues.excluded
                // After a claim that found nothing beyond the excluded integrations, the same query would only scan
                // their due rows again: wait for a tick, or for an integration to leave the excluded set.
                if moreDue && !claiming && !stopping && limit > 0 && !(fruitless.map { excluded.isSuperset(of: $0) } ?? false) {
                    claims += 1
                    claiming = true
                    let (token, rotation) = ("\(configuration.workerID):\(claims)", claims)
                    tasks.addTask {
                        let claimed = await claim(
                            limit: limit,
                            token: token,
                            excluding: excluded,
                            room: { [queueDepth] in rooms[$0] ?? queueDepth },
                            workspaceRoom: { workspaceRooms[$0] ?? newWorkspaceRoom },
                            rotation: rotation
                        )
                        signal.yield(.claimed(claimed, limit: limit, excluded: excluded))
                    }
                    moreDue = false
                } else if !claiming {
                    moreDue = false
                }
                // While a claim is out, a request for another (a tick, a wake-up, freed slots) waits for its return.
                if !stopping {
                    var expired: [Prepared] = []
                    let now = Date()
                    for (integration, item) in queues.startable() {
                        // A delivery that waited past its start window goes back: its attempt could outlast the claim.
                        guard item.startBy > now else {
                            expired.append(item)
                            queues.finished(integration)
                            continue
                        }
                        tasks.addTask {
                            await recorder.submit(await attempt(item))
                            if finishedAttempts.add(integration) { signal.yield(.finished) }
                        }
                    }
                    if !expired.isEmpty {
                        logger.warning("handing back deliveries that waited too long to start", metadata: ["deliveries": "\(expired.count)"])
                        tasks.addTask { await release(expired) }
                        moreDue = true
                    }
                }
                guard let next = await iterator.next() else { break }
                switch next {
                case .claimed(let claimed, let limit, let excluded):
                    claiming = false
                    moreDue = moreDue || claimed.count == limit
                    fruitless = claimed.isEmpty && !excluded.isEmpty ? excluded : nil
                    let overflow = stopping ? claimed : queues.enqueue(claimed, workspace: { $0.delivery.workspaceId }) { $0.delivery.integrationId }
                    if !overflow.isEmpty { tasks.addTask { await release(overflow) } }
                case .finished:
                    for integrationID in finishedAttempts.takeAll() { queues.finished(integrationID) }
                    // Refill before the local queues run dry.
                    if queues.claimLimit(batchSize: configuration.batchSize) >= worthClaiming { moreDue = true }
                case .tick:
                    moreDue = true
                    fruitless = nil
                case .handedOff(let deliveries, let prepared):
                    localDispatch.received(deliveries)
                    let overflow =
                        stopping ? prepared : queues.enqueue(prepared, workspace: { $0.delivery.workspaceId }) { $0.delivery.integrationId }
                    if !overflow.isEmpty { tasks.addTask { await release(overflow) } }
                case .halted(let integrations):
                    checkingStatus = false
                    for integration in integrations {
                        // Pausing marked them skipped (deleting, cancelled) and cleared their claims: drop, do not release.
                        let dropped = queues.dropWaiting(of: integration)
                        if dropped > 0 {
                            logger.info(
                                "dropped queued deliveries of a paused integration",
                                metadata: ["integration": "\(integration)", "deliveries": "\(dropped)"]
                            )
                        }
                    }
                case .stop:
                    // A claim in flight still comes back, and what it brings is handed back.
                    stopping = true
                }
            }
            await release(queues.drainWaiting())
        }
    }

    /// Attempts finished since the claim loop last looked, by integration. Under load many finish between two
    /// turns of the loop: one signal wakes it for all of them, instead of a signal and a whole turn (its room map,
    /// claim limit and start pass) for each.
    final class FinishedAttempts: Sendable {
        private let integrations = Mutex<[String]>([])

        /// Notes a finished attempt; true when the loop must be signalled (nothing was waiting for it yet).
        func add(_ integrationID: String) -> Bool {
            integrations.withLock { integrations in
                integrations.append(integrationID)
                return integrations.count == 1
            }
        }

        /// The integrations of every attempt finished since the last call, one entry per attempt.
        func takeAll() -> [String] {
            integrations.withLock { integrations in
                let taken = integrations
                integrations = []
                return taken
            }
        }
    }

    private func claim(
        limit: Int,
        token: String,
        excluding: Set<String>,
        room: @escaping @Sendable (String) -> Int,
        workspaceRoom: @escaping @Sendable (String) -> Int,
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
                workspaceRoom: workspaceRoom,
                rotation: rotation
            )
            return await prepare(deliveries, now: now)
        } catch {
            logger.error("claiming deliveries failed", metadata: ["error": "\(error)"])
            return []
        }
    }

    /// The integrations among `ids` that are paused, deleted or gone (none when the store cannot say).
    private func halted(among ids: [String]) async -> Set<String> {
        guard let integrations = try? await store.integrations(ids: ids) else { return [] }
        return Set(ids.filter { id in integrations[id].map { $0.deletedAt != nil || $0.status == .paused } ?? true })
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

    private func attempt(_ item: Prepared) async -> AttemptResult {
        let outcome: AttemptOutcome
        var pauseAfterFailing: TimeInterval?
        switch item.route {
        case .webhook(let url, let secrets):
            outcome = await sender.send(url: url, messageID: item.delivery.id, body: item.body, secrets: secrets)
            // An endpoint that fails for five days without a success is paused (SPEC §5).
            pauseAfterFailing = HealthRules.endpointFailingAfter
        case .provider(let provider, let connection):
            outcome = await deliver(item, to: provider, over: connection)
        }
        let decision = DeliveryDecision.after(
            outcome,
            previousFailures: item.delivery.consecutiveFailures,
            schedule: configuration.schedule,
            now: Date()
        )
        return AttemptResult(delivery: item.delivery, outcome: outcome, decision: decision, pauseAfterFailing: pauseAfterFailing)
    }

    /// Hands a delivery's event to its provider, batched with the integration's other deliveries.
    private func deliver(_ item: Prepared, to provider: any EventDelivering, over connection: ProviderConnection) async -> AttemptOutcome {
        let (started, clock) = (Date(), ContinuousClock.now)
        let name = provider.description.displayName
        guard let payload = try? JSONValue(json: item.body), let event = OutboundEvent(payload: payload) else {
            return AttemptOutcome(
                provider: .invalid("the stored event is not one \(name) can receive"),
                providerName: name,
                provider: provider.description.provider,
                startedAt: started,
                durationMilliseconds: 0
            )
        }
        let failure = await sessions.deliver(event, over: connection, provider: provider)
        let duration = ContinuousClock.now - clock
        return AttemptOutcome(
            provider: failure,
            providerName: name,
            provider: provider.description.provider,
            startedAt: started,
            durationMilliseconds: Int(duration.wholeMilliseconds)
        )
    }
}
