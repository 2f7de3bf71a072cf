import Foundation
import SwitchboardDomain
import SwitchboardStore

/// Providers connected to an API (HubSpot, Mailchimp, Slack…): credentials sealed at rest, settings checked by the
/// provider, the setup steps of SPEC §2 (authorized, required settings, Finish), the selector options, and
/// validation before anything that would let a refused integration run.
extension IntegrationService {
    /// What validation against the provider came to.
    enum Check {
        case passed
        case refused(ValidationFailure)
        /// The provider could not answer (outage, rate limit): nothing can be concluded.
        case unknown(String)
        /// No credentials yet: the manager has still to authorize (OAuth) or give them.
        case notConnected
    }

    func createConnected(
        _ provider: any ConnectedProvider,
        workspaceID: String,
        changes: Changes,
        now: Date
    ) async throws(IntegrationError) -> Integration {
        var errors = Self.labelErrors(changes.label)
        // Without credentials the manager connects through the provider's OAuth flow (`authorize`), when offered.
        let viaOAuth = changes.credentials == nil && provider.configuredOAuth != nil
        if changes.credentials == nil && !viaOAuth { errors.append(FieldError(field: "credentials", message: "is required")) }
        let credentials = viaOAuth ? [:] : collect(provider.credentials(from: changes.credentials ?? [:]), into: &errors)
        let settings = collect(provider.settings(from: changes.settings ?? [:]), into: &errors)
        guard errors.isEmpty, let credentials, let settings else { throw .invalid(errors) }
        var integration = Integration(
            id: Identifier.make("int", at: now),
            workspaceId: workspaceID,
            provider: provider.description.provider,
            label: changes.label ?? provider.description.displayName,
            settings: JSONColumn.text(settings, fallback: "{}"),
            events: provider.events(for: settings),
            health: IntegrationHealth(status: .setupIncomplete),
            createdAt: Timestamp.milliseconds(now)
        )
        if !viaOAuth { integration.credentials = integration.sealedCredentials(credentials, with: secrets) }
        let check =
            viaOAuth ? .notConnected : await check(credentials: credentials, settings: settings, integrationID: integration.id, provider: provider)
        try Self.refuseUnusableSettings(check)
        recordSetup(check, finished: false, settings: settings, provider: provider, in: &integration)
        try await storeCall { [integration] in try await store.insertIntegration(integration) }
        return integration
    }

    func updateConnected(
        _ integration: Integration,
        provider: any ConnectedProvider,
        changes: Changes,
        now: Date
    ) async throws(IntegrationError) -> Integration {
        let read = integration
        var integration = integration
        var errors = Self.labelErrors(changes.label)
        let newCredentials = changes.credentials.flatMap { collect(provider.credentials(from: $0), into: &errors) }
        var settings = try currentSettings(of: integration)
        if let changed = changes.settings {
            // Settings change by field: a field given replaces the stored one, `null` removes it.
            var merged = settings.objectValue ?? [:]
            for (key, value) in changed { merged[key] = value == .null ? nil : value }
            settings = collect(provider.settings(from: merged), into: &errors) ?? settings
        }
        guard errors.isEmpty else { throw .invalid(errors) }
        if let label = changes.label { integration.label = label }
        if newCredentials != nil || changes.settings != nil {
            // New credentials or another selection: validate before saving (SPEC §2).
            var candidate = integration
            candidate.settings = JSONColumn.text(settings, fallback: "{}")
            if let newCredentials { candidate.credentials = candidate.sealedCredentials(newCredentials, with: secrets) }
            let check = await storedCheck(candidate, provider: provider, saved: newCredentials == nil)
            try Self.refuseUnusableSettings(check)
            if integration.status == .setupIncomplete {
                recordSetup(check, finished: false, settings: settings, provider: provider, in: &integration)
            } else {
                // A running integration keeps working only with settings the provider accepts, all of them chosen.
                let missing = provider.missingSettings(settings)
                guard missing.isEmpty else { throw .invalid(missing.map { FieldError(field: "settings", message: "choose \($0)") }) }
                try refuseUnlessPassed(check, provider: provider)
            }
            integration.credentials = candidate.credentials
            integration.settings = candidate.settings
            integration.events = Integration.eventsColumn(provider.events(for: settings))
        }
        integration.updatedAt = Timestamp.milliseconds(now)
        try await storeCall { [integration] in try await store.updateIntegration(integration, from: read) }
        return integration
    }

    /// The manager's "Finish" (`POST /v1/integrations/{id}/complete-setup`): validates once more and makes
    /// the integration `active` when every step is done; otherwise answers 409 with what is left.
    public func completeSetup(workspaceID: String, id: String, now: Date = Date()) async throws(IntegrationError) -> Integration {
        var integration = try await load(workspaceID: workspaceID, id: id)
        let read = integration
        guard let provider = catalogue.provider(integration.provider, as: (any ConnectedProvider).self) else {
            throw .unsupported("\(catalogue.displayName(integration.provider)) integrations have no setup to complete")
        }
        guard integration.status == .setupIncomplete else { return integration }
        let settings = try currentSettings(of: integration)
        let check = await storedCheck(integration, provider: provider)
        try refuseUnlessPassed(check, provider: provider)
        let missing = provider.missingSettings(settings)
        guard missing.isEmpty else {
            throw .conflict(
                reason: "setup_incomplete",
                detail: "Setup is not finished: choose \(missing.joined(separator: ", ")), then press Finish."
            )
        }
        recordSetup(check, finished: true, settings: settings, provider: provider, in: &integration)
        integration.updatedAt = Timestamp.milliseconds(now)
        try await storeCall { [integration] in try await store.updateIntegration(integration, from: read) }
        return integration
    }

    /// Fresh choices for the selectors, straight from the provider (`GET /v1/integrations/{id}/options`).
    public func options(workspaceID: String, id: String) async throws(IntegrationError) -> [String: [ProviderResource]] {
        let integration = try await load(workspaceID: workspaceID, id: id)
        guard let provider = catalogue.provider(integration.provider, as: (any OffersOptions).self) else {
            throw .unsupported("\(catalogue.displayName(integration.provider)) integrations have no provider options")
        }
        do {
            let connection = try await storedConnection(integration, provider: provider)
            return try await provider.options(connection)
        } catch {
            try refuseUnlessPassed(Self.check(after: error), provider: provider)
            return [:]
        }
    }

    /// Validation of a stored integration, for resume: the provider's refusal, or nil when it passes.
    func validate(_ integration: Integration, provider: any ConnectedProvider) async throws(IntegrationError) -> ValidationFailure? {
        switch await storedCheck(integration, provider: provider) {
        case .passed: return nil
        case .refused(let failure): return failure
        case .notConnected: return .expiredCredentials("no credentials: the integration was never authorized")
        case .unknown(let why): throw .providerUnavailable(why)
        }
    }

    // MARK: - Helpers

    /// Validation of an integration as stored (or about to be: `saved` false while its credentials are new): its
    /// credentials, refreshed when an OAuth token is about to expire, against its settings.
    func storedCheck(_ integration: Integration, provider: any ConnectedProvider, saved: Bool = true) async -> Check {
        guard integration.credentials != nil else { return .notConnected }
        do {
            return try await provider.validate(try await storedConnection(integration, provider: provider, saved: saved)).map(Check.refused)
                ?? .passed
        } catch {
            return Self.check(after: error)
        }
    }

    /// The provider connection of a stored integration (or of new credentials not saved yet: `saved` false), its OAuth
    /// token refreshed when needed.
    func storedConnection(
        _ integration: Integration,
        provider: any ConnectedProvider,
        saved: Bool = true
    ) async throws(ProviderFailure) -> ProviderConnection {
        do {
            return try await sessions.connection(for: integration, provider: provider, secrets: secrets, store: store, saved: saved)
        } catch let failure as ProviderFailure {
            throw failure
        } catch {
            throw .unavailable("the credentials cannot be read: \(error)")
        }
    }

    func check(credentials: [String: String], settings: JSONValue, integrationID: String, provider: any ConnectedProvider) async -> Check {
        do {
            let connection = try connection(credentials: credentials, settings: settings, integrationID: integrationID, provider: provider)
            return try await provider.validate(connection).map(Check.refused) ?? .passed
        } catch let failure as ProviderFailure {
            return Self.check(after: failure)
        } catch {
            return .unknown("\(error)")
        }
    }

    static func check(after failure: ProviderFailure) -> Check {
        switch failure {
        case .refused(let validation): .refused(validation)
        case .throttled: .unknown("the provider is rate limiting Switchboard; try again in a few seconds")
        case .quotaExhausted(_, let detail): .unknown(detail)
        case .invalid(let why), .unavailable(let why): .unknown(why)
        }
    }

    /// Records a check in a setup that is not finished: what is done, what is left, and what the provider said.
    func recordSetup(_ check: Check, finished: Bool, settings: JSONValue, provider: any ConnectedProvider, in integration: inout Integration) {
        let name = provider.description.displayName
        var missing = provider.missingSettings(settings)
        var authorized = false
        switch check {
        case .passed: authorized = true
        case .refused(.listNotFound):
            authorized = true
            missing.append("another list")
        case .refused, .unknown, .notConnected: break
        }
        // A provider whose setup needs no Finish is done once it is authorized with every setting chosen.
        let done = finished || (!provider.finishesSetupByHand && authorized && missing.isEmpty)
        let progress = SetupProgress(authorized: authorized, missingSettings: missing, finished: done)
        var health = integration.health
        health.updateSetup(progress, providerName: name)
        if case .refused(let failure) = check { health.validationFailed(failure, providerName: name, provider: integration.provider) }
        integration.health = health
        if case .unknown(let why) = check, integration.status == .setupIncomplete {
            integration.statusDetail = "\(name) could not be reached to check the connection (\(why)): save again or press Finish to retry."
        }
        integration.setup = JSONColumn.text(progress, fallback: "{}")
    }

    /// Settings the provider cannot work with are refused when saved, as the field errors they are; nothing is
    /// stored (a dynamic list, a required merge field left unmapped, a property that cannot be written).
    static func refuseUnusableSettings(_ check: Check) throws(IntegrationError) {
        if case .refused(.unusableSetting(let field, let problem)) = check {
            throw .invalid([FieldError(field: "settings/\(field)", message: problem)])
        }
    }

    /// Passes a check that passed; otherwise the 409 (refused) or 502 (provider unreachable) that says why.
    func refuseUnlessPassed(_ check: Check, provider: any ConnectedProvider) throws(IntegrationError) {
        switch check {
        case .passed: return
        case .refused(let failure):
            throw .conflict(
                reason: failure.pauseReason.rawValue,
                detail: failure.detail(providerName: provider.description.displayName, provider: provider.description.provider)
            )
        case .unknown(let why): throw .providerUnavailable("\(provider.description.displayName) could not be reached: \(why)")
        case .notConnected:
            throw .conflict(reason: "setup_incomplete", detail: "Connect \(provider.description.displayName) first (authorize, or give credentials).")
        }
    }

    func connection(
        credentials: [String: String],
        settings: JSONValue,
        integrationID: String,
        provider: any ConnectedProvider
    ) throws(IntegrationError) -> ProviderConnection {
        ProviderConnection(
            integrationID: integrationID,
            credentials: credentials,
            settings: settings,
            budget: sessions.budget(for: integrationID, provider: provider)
        )
    }

    func currentSettings(of integration: Integration) throws(IntegrationError) -> JSONValue {
        guard let settings = try? JSONValue(json: integration.settings.utf8) else {
            throw .storeFailure("the settings of \(integration.id) are not JSON")
        }
        return settings
    }

    private func collect<T>(_ result: Result<T, FieldErrors>, into errors: inout [FieldError]) -> T? {
        switch result {
        case .success(let value): return value
        case .failure(let failure):
            errors += failure.errors
            return nil
        }
    }
}
