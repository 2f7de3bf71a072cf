import Foundation
import Synchronization

/// What managers may ask for, per workspace and per integration: bounds the operator sets, so that one tenant's
/// requests stay within what the service can give every tenant. Each refusal says which limit and what to do.
public struct IntegrationLimits: Sendable {
    /// Integrations a workspace may have (deleted ones do not count). `SWITCHBOARD_MAX_INTEGRATIONS`.
    public var integrationsPerWorkspace: Int
    /// Broadcasts one resync may name; more would exceed the databases' bound parameters. `SWITCHBOARD_MAX_RESYNC_BROADCASTS`.
    public var broadcastsPerResync: Int
    /// Test deliveries (`POST …/test`) per integration per minute, in each process. `SWITCHBOARD_TESTS_PER_MINUTE`.
    public var testsPerMinute: Int

    public init(integrationsPerWorkspace: Int = 100, broadcastsPerResync: Int = 1000, testsPerMinute: Int = 10) {
        self.integrationsPerWorkspace = integrationsPerWorkspace
        self.broadcastsPerResync = min(broadcastsPerResync, 10_000)
        self.testsPerMinute = testsPerMinute
    }
}

/// The recent tests of each integration, to hold them to `IntegrationLimits.testsPerMinute`.
final class TestThrottle: Sendable {
    private let tests = Mutex<[String: [Date]]>([:])

    /// Records a test of `integrationID` at `now`, or answers how many seconds until one is allowed.
    func admit(_ integrationID: String, limit: Int, now: Date) -> Int? {
        tests.withLock { tests in
            let recent = (tests[integrationID] ?? []).filter { now.timeIntervalSince($0) < 60 }
            // Forget integrations not tested for a minute, so that the map stays as small as the recent tests.
            tests = tests.filter { $0.key == integrationID || $0.value.contains { now.timeIntervalSince($0) < 60 } }
            guard recent.count < limit else {
                tests[integrationID] = recent
                return max(1, Int((60 - now.timeIntervalSince(recent[0])).rounded(.up)))
            }
            tests[integrationID] = recent + [now]
            return nil
        }
    }
}
