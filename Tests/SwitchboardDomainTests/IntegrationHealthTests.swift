import SwitchboardDomain
import Testing

@Suite("Integration status transitions")
struct IntegrationHealthTests {
    @Test("a failure moves active to failed_sync with the reason, a success brings it back")
    func failureAndRecovery() {
        var health = IntegrationHealth.active
        health.recordFailure("the endpoint answered HTTP 500")
        #expect(health.status == .failedSync)
        #expect(health.statusDetail == "the endpoint answered HTTP 500")
        health.recordSuccess()
        #expect(health == .active)
        #expect(health.statusDetail == nil)
    }

    @Test("a paused integration ignores late successes and failures")
    func pausedIsSticky() {
        var health = IntegrationHealth.active
        health.pause(.endpointFailing)
        health.recordSuccess()
        health.recordFailure("x")
        #expect(health.status == .paused)
        #expect(health.pauseReason == .endpointFailing)
    }

    @Test("every pause reason carries a detail that says what to do", arguments: PauseReason.allCases)
    func everyReasonExplains(reason: PauseReason) {
        var health = IntegrationHealth.active
        health.pause(reason)
        #expect(health.status == .paused)
        #expect(health.pauseReason == reason)
        #expect((health.statusDetail ?? "").count > 20)
    }

    @Test("a manual pause does not hide an automatic reason")
    func manualDoesNotOverride() {
        var health = IntegrationHealth.active
        health.pause(.endpointFailing)
        health.pause(.manual)
        #expect(health.pauseReason == .endpointFailing)
    }

    @Test("resume returns to active; setup_incomplete is not changed by deliveries")
    func resumeAndSetup() {
        var health = IntegrationHealth.active
        health.pause(.manual)
        health.resume()
        #expect(health == .active)
        var setup = IntegrationHealth(status: .setupIncomplete)
        setup.recordSuccess()
        #expect(setup.status == .setupIncomplete)
        #expect(setup.statusDetail != nil)
    }

    @Test("only non-active statuses carry a detail, only paused carries a reason", arguments: IntegrationStatus.allCases)
    func invariants(status: IntegrationStatus) {
        let health = IntegrationHealth(status: status, pauseReason: .listNotFound)
        #expect((health.statusDetail == nil) == (status == .active))
        #expect((health.pauseReason == nil) == (status != .paused))
    }
}
