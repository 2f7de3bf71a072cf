import Foundation
import Logging
import ServiceLifecycle
import SwitchboardDomain
import SwitchboardStore

/// Resync Historical Contacts (SPEC §6): a durable job that writes every stored registrant of the workspace
/// (or of chosen broadcasts) to a contact-sync integration — contacts, lists, tags and fields, never
/// activity. Progress is saved after each page with a checkpoint, so a restarted process continues where
/// the last one stopped; a cancel is seen at the next page.
extension IntegrationService {
    public static let resyncKind = "resync"

    /// Queues a resync of the integration; answers 409 when it is not running or a resync is already under way.
    public func startResync(workspaceID: String, id: String, broadcasts: [String] = [], now: Date = Date()) async throws(IntegrationError) -> Job {
        let integration = try await load(workspaceID: workspaceID, id: id)
        guard catalogue.provider(integration.provider, as: (any ContactSyncProvider).self) != nil else {
            throw .unsupported("\(catalogue.displayName(integration.provider)) integrations have no contacts to resync")
        }
        if let empty = broadcasts.firstIndex(where: \.isEmpty) {
            throw .invalid([FieldError(field: "broadcast_ids/\(empty)", message: "must be a broadcast id, not empty")])
        }
        guard broadcasts.count <= limits.broadcastsPerResync else {
            throw .invalid([
                FieldError(
                    field: "broadcast_ids",
                    message:
                        "names \(broadcasts.count) broadcasts; at most \(limits.broadcastsPerResync) per resync (leave it out to resync every registration)"
                )
            ])
        }
        guard integration.status == .active || integration.status == .failedSync else {
            throw .conflict(
                reason: "integration_not_running",
                detail: "The integration is \(integration.status.rawValue): finish setup or resume it before resyncing."
            )
        }
        guard !(try await storeCall { try await store.hasActiveJob(kind: Self.resyncKind, integrationID: id) }) else {
            throw .conflict(reason: "resync_running", detail: "A resync of this integration is already running; cancel it or wait for it.")
        }
        let parameters = JSONColumn.text(["broadcast_ids": broadcasts], fallback: "{}")
        var job = Job(
            id: Identifier.make("job", at: now),
            workspaceId: workspaceID,
            integrationId: id,
            kind: Self.resyncKind,
            parameters: parameters,
            createdAt: Timestamp.milliseconds(now)
        )
        job.total = try await storeCall { try await store.registrantCount(workspaceID: workspaceID, broadcasts: broadcasts) }
        try await storeCall { [job] in try await store.insertJob(job) }
        return job
    }
}

/// Runs queued resync jobs, one at a time per process; any process may continue a job whose worker died.
///
/// Jobs take turns: one that has run for `slice` while another waits goes back to the queue after its page (its
/// checkpoint saved), behind the others, so that one tenant's resync of a million contacts does not hold back
/// another's of a hundred for hours: that one starts within a slice.
public struct ResyncRunner: Service {
    let store: Store
    let integrations: IntegrationService
    let workerID: String
    let pollInterval: Duration
    let lease: TimeInterval
    /// At most this many contacts per page, below the provider's page size (tests: more checkpoints).
    let pageLimit: Int?
    /// How long a job runs before it gives its turn to a waiting one.
    let slice: Duration
    let logger: Logger

    /// The most per-contact errors a job keeps to show.
    static let keptErrors = 100

    public init(
        store: Store,
        integrations: IntegrationService,
        workerID: String,
        pollInterval: Duration = .seconds(1),
        lease: TimeInterval = 60,
        pageLimit: Int? = nil,
        slice: Duration = .seconds(5),
        logger: Logger
    ) {
        self.pageLimit = pageLimit
        self.slice = slice
        self.store = store
        self.integrations = integrations
        self.workerID = workerID
        self.pollInterval = pollInterval
        self.lease = lease
        self.logger = logger
    }

    public func run() async throws {
        await runJobs(of: [IntegrationService.resyncKind], store: store, worker: workerID, lease: lease, pollInterval: pollInterval, logger: logger) {
            await process($0)
        }
    }

    /// Works through a job page by page until it is done, cancelled, or the integration stops it.
    public func process(_ claimed: Job) async {
        var job = claimed
        let broadcasts = (try? JSONDecoder().decode([String: [String]].self, from: Data(job.parameters.utf8)))?["broadcast_ids"] ?? []
        guard let integrationID = job.integrationId,
            let integration = try? await store.integration(workspaceID: job.workspaceId, id: integrationID),
            let provider = integrations.catalogue.provider(integration.provider, as: (any ContactSyncProvider).self)
        else {
            job.status = .failed
            job.errors = Self.errors(["the integration was deleted"])
            _ = try? await store.saveJobProgress(job, worker: workerID, now: Date(), lease: lease)
            return
        }
        logger.info("resync running", metadata: ["job": "\(job.id)", "integration": "\(integrationID)", "from": "\(job.checkpoint ?? "start")"])
        var errors = (try? JSONDecoder().decode([String].self, from: Data(job.errors.utf8))) ?? []
        let (store, workspaceID, pageSize) = (store, job.workspaceId, min(provider.resyncPageSize, pageLimit ?? .max))
        @Sendable func read(after email: String?) async throws -> [StoredRegistrant] {
            try await store.registrants(workspaceID: workspaceID, broadcasts: broadcasts, after: email, limit: pageSize)
        }
        // The next page is read while the current one is sent, so the provider's budget never waits on the store.
        let start = job.checkpoint
        let began = ContinuousClock.now
        var reading = Task { try await read(after: start) }
        defer { reading.cancel() }
        while !Task.isCancelled {
            let page: [StoredRegistrant]
            do {
                page = try await reading.value
            } catch {
                logger.warning("reading registrants failed; the job continues later", metadata: ["job": "\(job.id)", "error": "\(error)"])
                return
            }
            if page.isEmpty {
                job.status = .succeeded
                await finish(job, integration: integration)
                return
            }
            let last = page[page.count - 1].email
            reading = Task { try await read(after: last) }
            // Per page, so that an OAuth token that expires during a long resync is refreshed.
            let connection: ProviderConnection
            do {
                connection = try await integrations.storedConnection(integration, provider: provider).background()
            } catch {
                if case .refused(let failure) = error {
                    _ = try? await integrations.pauseAfterValidation(integration, failure: failure, provider: provider, now: Date())
                }
                job.status = .failed
                job.errors = Self.errors(errors + ["the integration's credentials cannot be used: \(Self.describe(error))"])
                await finish(job, integration: integration)
                return
            }
            let contacts = page.map { Contact(registrant: $0.registrant) ?? Contact(email: $0.email) }
            let results = await sync(contacts, provider: provider, connection: connection)
            // Stopped mid-page (shutdown): save nothing of this page; the next runner starts it again.
            guard !Task.isCancelled else { return }
            if let wait = results.lazy.compactMap({ if case .quotaExhausted(let after, _)? = $0 { after } else { nil } }).max() {
                // The provider's quota is used up for a while (HubSpot's daily limit): the job keeps its lease, waits, and
                // does this page again; contacts are not counted failed for it.
                logger.info("resync waits for the provider's quota", metadata: ["job": "\(job.id)", "seconds": "\(Int(wait))"])
                guard await waitKeepingLease(wait, job: job) else { return }
                reading.cancel()
                let checkpoint = job.checkpoint
                reading = Task { try await read(after: checkpoint) }
                continue
            }
            if let refusal = results.lazy.compactMap({ if case .refused(let failure)? = $0 { failure } else { nil } }).first {
                // The provider refused the integration itself: it pauses, and the job stops with the reason.
                _ = try? await integrations.pauseAfterValidation(integration, failure: refusal, provider: provider, now: Date())
                job.status = .failed
                errors.append(refusal.detail(providerName: provider.description.displayName, provider: integration.provider))
                job.errors = Self.errors(errors)
                await finish(job, integration: integration)
                return
            }
            for (contact, result) in zip(contacts, results) {
                guard let result else { continue }
                job.failed += 1
                if errors.count < Self.keptErrors { errors.append("\(contact.email): \(Self.describe(result))") }
            }
            job.done += page.count
            // Registrants who arrived during the resync and sort after the checkpoint are synced too.
            job.total = max(job.total, job.done)
            job.checkpoint = last
            job.errors = Self.errors(errors)
            guard (try? await store.saveJobProgress(job, worker: workerID, now: Date(), lease: lease)) == true else {
                logger.info("resync stopped: cancelled or taken over", metadata: ["job": "\(job.id)"])
                return
            }
            if ContinuousClock.now - began >= slice,
                (try? await store.isJobWaiting(kinds: [IntegrationService.resyncKind], besides: job.id, now: Date())) == true,
                (try? await store.requeueJob(job, worker: workerID, now: Date())) == true
            {
                logger.info("resync gives its turn to another job", metadata: ["job": "\(job.id)", "done": "\(job.done)"])
                return
            }
        }
    }

    /// One page to the provider. Contacts it throttled are tried again until it takes them (the budget spaces
    /// the calls); those it could not take for a moment, up to five more times with a growing pause.
    private func sync(_ contacts: [Contact], provider: any ContactSyncProvider, connection: ProviderConnection) async -> [ProviderFailure?] {
        var results = await provider.resync(contacts, over: connection)
        var outages = 0
        while !Task.isCancelled {
            let retry = results.indices.filter {
                switch results[$0] {
                case .throttled?, .unavailable?: true
                default: false
                }
            }
            let unavailable = retry.contains { if case .unavailable? = results[$0] { true } else { false } }
            guard !retry.isEmpty, !unavailable || outages < 5 else { break }
            if unavailable {
                outages += 1
                try? await Task.sleep(for: .milliseconds(200 << outages))
            }
            let again = await provider.resync(retry.map { contacts[$0] }, over: connection)
            for (index, result) in zip(retry, again) { results[index] = result }
        }
        return results
    }

    /// Sleeps `seconds`, renewing the job's lease meanwhile; false when the job was cancelled, taken over or the
    /// runner stops.
    private func waitKeepingLease(_ seconds: TimeInterval, job: Job) async -> Bool {
        let until = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while ContinuousClock.now < until {
            let step = min(until - ContinuousClock.now, .milliseconds(Int64(lease * 1000 / 3)))
            do {
                try await Task.sleep(for: step)
            } catch {
                return false
            }
            guard (try? await store.saveJobProgress(job, worker: workerID, now: Date(), lease: lease)) == true else { return false }
        }
        return !Task.isCancelled
    }

    private func finish(_ job: Job, integration: Integration) async {
        guard (try? await store.saveJobProgress(job, worker: workerID, now: Date(), lease: lease)) == true else { return }
        let now = Date()
        let outcome = job.status == .succeeded ? "finished" : "stopped"
        try? await store.insertNotification(
            Notification(
                id: Identifier.make("ntf", at: now),
                workspaceId: job.workspaceId,
                integrationId: integration.id,
                kind: "resync.\(outcome)",
                title: "Resync of \(integration.label) \(outcome)",
                body: "\(job.done - job.failed) of \(job.total) contacts synced, \(job.failed) failed."
                    + (job.status == .succeeded ? "" : " See the job's errors."),
                createdAt: Timestamp.milliseconds(now)
            )
        )
        logger.info("resync \(outcome)", metadata: ["job": "\(job.id)", "done": "\(job.done)", "failed": "\(job.failed)"])
    }

    static func describe(_ failure: ProviderFailure) -> String {
        switch failure {
        case .invalid(let why), .unavailable(let why): why
        case .throttled: "the provider kept rate limiting"
        case .quotaExhausted(_, let detail): detail
        case .refused(let validation): "\(validation)"
        }
    }

    static func errors(_ list: [String]) -> String {
        JSONColumn.text(list, fallback: "[]")
    }
}
