import AsyncHTTPClient
import Foundation
import Logging
import SwitchboardDomain
import SwitchboardEmulators
import SwitchboardEngine
import SwitchboardProviders
import SwitchboardStore
import SwitchboardTestSupport
import Synchronization
import Testing

@Suite("Resync and a provider's used-up quota")
struct ResyncQuotaTests {
    @Test("a resync facing a used-up quota keeps its lease while it waits, then does the page again: nothing is counted failed")
    func waitsOutQuota() async throws {
        let emulator = HubSpotEmulator()
        let token = emulator.state.issueToken()
        try await emulator.run { url in
            let provider = QuotaOnce(HubSpotProvider(http: .shared, baseURL: url), wait: 1.5)
            try await withEngine(.sqlite, catalogue: { _ in ProviderCatalogue([provider]) }) { harness in
                try await ResyncTests.storeHistory(harness, count: 300)
                let created = try await harness.integrations.create(
                    workspaceID: harness.workspace.id,
                    provider: "hubspot",
                    changes: .init(settings: ["overwrite_names": true], credentials: ["access_token": .string(token)])
                )
                let id = try await harness.integrations.completeSetup(workspaceID: harness.workspace.id, id: created.id).id
                // A lease shorter than the wait: the runner must renew it while it waits, or it loses the job.
                let finished = try await harness.resync(id, lease: 0.5)
                #expect(finished.status == .succeeded)
                #expect(finished.done == 300 && finished.failed == 0, "\(finished.errors.prefix(200))")
                #expect(emulator.state.contactCount == 300)
                #expect(provider.refusals == 1)
            }
        }
    }
}

/// HubSpot, whose first resync call finds the quota used up for `wait` seconds.
private final class QuotaOnce: ContactSyncProvider {
    let base: HubSpotProvider
    let wait: TimeInterval
    private let refused = Mutex(0)

    init(_ base: HubSpotProvider, wait: TimeInterval) {
        self.base = base
        self.wait = wait
    }

    var refusals: Int { refused.withLock { $0 } }

    var description: ProviderDescription { base.description }
    var batchSize: Int { base.batchSize }
    var concurrentCalls: Int { base.concurrentCalls }
    var resyncPageSize: Int { base.resyncPageSize }
    func makeBudget() -> RequestBudget { base.makeBudget() }
    func credentials(from fields: [String: JSONValue]) -> Result<[String: String], FieldErrors> { base.credentials(from: fields) }
    func settings(from fields: [String: JSONValue]) -> Result<JSONValue, FieldErrors> { base.settings(from: fields) }
    func missingSettings(_ settings: JSONValue) -> [String] { base.missingSettings(settings) }
    func validate(_ connection: ProviderConnection) async throws(ProviderFailure) -> ValidationFailure? { try await base.validate(connection) }
    func options(_ connection: ProviderConnection) async throws(ProviderFailure) -> [String: [ProviderResource]] {
        try await base.options(connection)
    }
    func sync(_ activities: [ContactActivity], over connection: ProviderConnection) async -> [ProviderFailure?] {
        await base.sync(activities, over: connection)
    }

    func resync(_ contacts: [Contact], over connection: ProviderConnection) async -> [ProviderFailure?] {
        let first = refused.withLock { count in
            guard count == 0 else { return false }
            count = 1
            return true
        }
        if first { return contacts.map { _ in .quotaExhausted(retryAfter: wait, detail: "the quota is used up") } }
        return await base.resync(contacts, over: connection)
    }
}
