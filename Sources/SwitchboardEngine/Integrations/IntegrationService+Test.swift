import Foundation
import SwitchboardDomain
import SwitchboardStore

/// Test and Send Test Notification (SPEC §6): a webhook's signed sample delivery, or a sample notification of one
/// type from a provider that `SendsTests`; the result is answered at once, and a provider's refusal pauses the
/// integration as validation would.
extension IntegrationService {
    /// Sends a test and returns its attempt; `notificationType` picks the sample of a provider that sends tests (its
    /// first type when nil).
    public func test(
        workspaceID: String,
        id: String,
        notificationType: String? = nil,
        now: Date = Date()
    ) async throws(IntegrationError)
        -> AttemptOutcome
    {
        let integration = try await load(workspaceID: workspaceID, id: id)
        let capability = try capability(of: integration)
        let tester: (any SendsTests)?
        switch capability {
        case .webhook: tester = nil
        case .connected(let provider):
            guard let sends = provider as? any SendsTests else { throw Self.noTest(provider.description) }
            tester = sends
        case .undriven(let description): throw Self.noTest(description)
        }
        if tester == nil, notificationType != nil {
            throw .unsupported("\(catalogue.displayName(integration.provider)) tests are a sample delivery and take no notification type")
        }
        // Without a type, the provider's first (Slack: a registration).
        let notificationType = notificationType ?? tester?.testTypes.first
        if let tester, let notificationType, !tester.testTypes.contains(notificationType) {
            throw .invalid([FieldError(field: "notification_type", message: "must be one of \(tester.testTypes.joined(separator: ", "))")])
        }
        if let wait = tests.admit(id, limit: limits.testsPerMinute, now: now) {
            throw .rateLimited(
                "This integration was tested \(limits.testsPerMinute) times in the last minute, the most allowed: try again in \(wait) s.",
                retryAfter: wait
            )
        }
        guard let tester, let notificationType else { return try await testWebhook(integration, now: now) }
        return await sendTest(notificationType, of: integration, with: tester, now: now)
    }

    private func sendTest(_ type: String, of integration: Integration, with provider: any SendsTests, now: Date) async -> AttemptOutcome {
        let (started, clock) = (Date(), ContinuousClock.now)
        var failure: ProviderFailure?
        var answer: String?
        do {
            answer = try await provider.sendTest(type, over: try await storedConnection(integration, provider: provider))
        } catch {
            failure = error
        }
        if case .refused(let refusal) = failure, integration.status != .paused {
            // What the provider refused holds for every message: the integration pauses, as validation would pause it.
            _ = try? await pauseAfterValidation(integration, failure: refusal, provider: provider, now: now)
        }
        var outcome = AttemptOutcome(
            provider: failure,
            providerName: provider.description.displayName,
            provider: provider.description.provider,
            startedAt: started,
            durationMilliseconds: Int((ContinuousClock.now - clock).wholeMilliseconds)
        )
        if let answer { outcome.responseBody = answer }
        return outcome
    }

    private static func noTest(_ description: ProviderDescription) -> IntegrationError {
        .unsupported("\(description.displayName) integrations have no Test action")
    }
}
