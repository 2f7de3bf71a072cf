import Foundation
import Logging
import SwitchboardDomain
import SwitchboardStore

/// The Manage Integration actions (SPEC §6): create, change, pause, resume, delete, and per provider kind
/// test and signing secret (webhooks, `IntegrationService+Webhook`) or setup, options and validation
/// (providers connected to an API, `IntegrationService+Connected`). The HTTP layer only translates requests into these calls.
public struct IntegrationService: Sendable {
    let store: Store
    let secrets: SecretBox
    let endpointGuard: EndpointGuard
    let sender: WebhookSender
    let catalogue: ProviderCatalogue
    let sessions: ProviderSessions
    let limits: IntegrationLimits
    /// This process's dispatcher, woken when a change makes deliveries due (a resume).
    let dispatch: LocalDispatch?
    let tests = TestThrottle()

    /// How long a replaced signing secret keeps signing deliveries (SPEC §4).
    public static let secretGracePeriod: TimeInterval = 24 * 3600

    /// A service over the store, the operator's secret box, the sender used by Test, the providers, and the
    /// sessions that hold each integration's share of its provider's rate limit.
    public init(
        store: Store,
        secrets: SecretBox,
        endpointGuard: EndpointGuard,
        sender: WebhookSender,
        catalogue: ProviderCatalogue = ProviderCatalogue(),
        sessions: ProviderSessions = ProviderSessions(),
        limits: IntegrationLimits = IntegrationLimits(),
        dispatch: LocalDispatch? = nil
    ) {
        self.dispatch = dispatch
        self.store = store
        self.secrets = secrets
        self.endpointGuard = endpointGuard
        self.sender = sender
        self.catalogue = catalogue
        self.sessions = sessions
        self.limits = limits
    }

    /// What a create or update asks for; absent fields stay as they are.
    public struct Changes: Sendable {
        public var label: String?
        /// The provider's settings object as given (for webhooks `url` and `events`, read into the fields below).
        public var settings: [String: JSONValue]?
        /// The provider's credential fields as given.
        public var credentials: [String: JSONValue]?
        public var url: String?
        public var events: [String]?

        public init(
            label: String? = nil,
            settings: [String: JSONValue]? = nil,
            credentials: [String: JSONValue]? = nil,
            url: String? = nil,
            events: [String]? = nil
        ) {
            self.label = label
            self.settings = settings
            self.credentials = credentials
            self.url = url
            self.events = events
        }
    }

    /// Creates an integration: a webhook is `active` at once with a new signing secret; a contact-sync
    /// integration starts `setup_incomplete` (SPEC §2).
    public func create(workspaceID: String, provider: String, changes: Changes, now: Date = Date()) async throws(IntegrationError) -> Integration {
        let existing = try await storeCall { try await store.integrationCount(workspaceID: workspaceID) }
        guard existing < limits.integrationsPerWorkspace else {
            throw .conflict(
                reason: "integration_limit_reached",
                detail: "This workspace has \(existing) integrations, the most the operator allows (\(limits.integrationsPerWorkspace)): "
                    + "delete one first, or ask the operator to raise SWITCHBOARD_MAX_INTEGRATIONS."
            )
        }
        switch catalogue.capability(of: provider) {
        case nil:
            throw .invalid([
                FieldError(field: "provider", message: "unknown provider; available: \(catalogue.all.map(\.provider).joined(separator: ", "))")
            ])
        case .webhook: return try await createWebhook(workspaceID: workspaceID, changes: changes, now: now)
        case .connected(let provider): return try await createConnected(provider, workspaceID: workspaceID, changes: changes, now: now)
        case .undriven(let description): throw Self.notDriven(description)
        }
    }

    /// Applies Manage Integration changes; what the provider must check is checked before anything is saved.
    public func update(workspaceID: String, id: String, changes: Changes, now: Date = Date()) async throws(IntegrationError) -> Integration {
        let integration = try await load(workspaceID: workspaceID, id: id)
        try refuseAnotherProvidersFields(changes, for: integration)
        switch try capability(of: integration) {
        case .webhook: return try await updateWebhook(integration, changes: changes, now: now)
        case .connected(let provider): return try await updateConnected(integration, provider: provider, changes: changes, now: now)
        case .undriven(let description): throw Self.notDriven(description)
        }
    }

    /// Pauses by a manager's hand: nothing is sent, new events are recorded as skipped.
    public func pause(workspaceID: String, id: String, now: Date = Date()) async throws(IntegrationError) -> Integration {
        var integration = try await load(workspaceID: workspaceID, id: id)
        let read = integration
        var health = integration.health
        health.pause(.manual)
        integration.health = health
        integration.updatedAt = Timestamp.milliseconds(now)
        try await storeCall { [integration] in try await store.updateIntegration(integration, from: read) }
        return integration
    }

    /// Validates again, then resumes; refuses with the reason when validation still fails.
    public func resume(workspaceID: String, id: String, now: Date = Date()) async throws(IntegrationError) -> Integration {
        var integration = try await load(workspaceID: workspaceID, id: id)
        let read = integration
        guard integration.status == .paused else { return integration }
        switch try capability(of: integration) {
        case .webhook:
            try await checkEndpoint(of: integration)
        case .connected(let provider):
            if let failure = try await validate(integration, provider: provider) {
                throw .conflict(
                    reason: failure.pauseReason.rawValue,
                    detail: failure.detail(providerName: provider.description.displayName, provider: integration.provider)
                )
            }
        case .undriven(let description):
            throw Self.notDriven(description)
        }
        var health = integration.health
        health.resume()
        integration.health = health
        integration.failingSince = nil
        integration.updatedAt = Timestamp.milliseconds(now)
        try await storeCall { [integration] in try await store.updateIntegration(integration, from: read) }
        dispatch?.wake()
        return integration
    }

    /// Deletes the integration and cancels its pending deliveries.
    public func delete(workspaceID: String, id: String, now: Date = Date()) async throws(IntegrationError) {
        let deleted = try await storeCall { try await store.deleteIntegration(workspaceID: workspaceID, id: id, now: now) }
        guard deleted else { throw .notFound }
    }

    // MARK: - Helpers

    /// The capability of a stored integration's provider; one this build no longer lists is a clear refusal.
    func capability(of integration: Integration) throws(IntegrationError) -> ProviderCatalogue.Capability {
        guard let capability = catalogue.capability(of: integration.provider) else {
            throw .unsupported("\(integration.provider) integrations are not supported by this Switchboard (the provider is not installed)")
        }
        return capability
    }

    /// Credentials or settings made wholly of another provider's fields (HubSpot's `access_token` sent to a Slack
    /// integration) conflict with the integration's provider: 409, saying what this one takes. A mix with its own
    /// fields is left to the provider's field errors (400).
    public func refuseAnotherProvidersFields(_ changes: Changes, for integration: Integration) throws(IntegrationError) {
        guard let own = catalogue.provider(integration.provider)?.description else { return }
        let parts: [(String, [String: JSONValue]?, (ProviderDescription) -> [String])] = [
            ("credentials", changes.credentials, \.credentials), ("settings", changes.settings, \.settings),
        ]
        for (part, given, fields) in parts {
            guard let keys = given.map({ Set($0.keys) }), !keys.isEmpty, keys.isDisjoint(with: fields(own)) else { continue }
            guard let other = catalogue.all.first(where: { $0.provider != own.provider && keys.isSubset(of: fields($0)) }) else { continue }
            let takes = fields(own).isEmpty ? "none" : fields(own).joined(separator: ", ")
            throw .conflict(
                reason: "provider_mismatch",
                detail: "These \(part) are \(other.displayName)'s, but this is a \(own.displayName) integration; its \(part): \(takes)."
            )
        }
    }

    /// The refusal for a provider listed without a capability this engine drives.
    static func notDriven(_ description: ProviderDescription) -> IntegrationError {
        .unsupported("\(description.displayName) integrations cannot be created or changed by this version of Switchboard yet")
    }

    func load(workspaceID: String, id: String) async throws(IntegrationError) -> Integration {
        guard let integration = try await storeCall({ try await store.integration(workspaceID: workspaceID, id: id) }) else { throw .notFound }
        return integration
    }

    /// Errors of a label, when one is given.
    static func labelErrors(_ label: String?) -> [FieldError] {
        guard let label else { return [] }
        if label.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || label.count > 200 {
            return [FieldError(field: "label", message: "must be 1 to 200 characters")]
        }
        // Labels go into notification subjects and Slack messages: a line break there could forge a header.
        if label.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return [FieldError(field: "label", message: "must be one line, without control characters")]
        }
        return []
    }
}

/// Runs a store call inside a typed-throws operation, turning a store failure into `.storeFailure`.
func storeCall<T: Sendable>(_ body: () async throws -> T) async throws(IntegrationError) -> T {
    do {
        return try await body()
    } catch {
        throw .storeFailure(String(describing: error))
    }
}

extension IntegrationService {
    /// What the API may show of an integration's credentials: each field masked to a hint
    /// (`pat-…a1b2`), never the value (SPEC §9).
    /// The catalogue category of the integration's provider (the webhook's when the provider is not installed).
    public func category(of integration: Integration) -> String {
        catalogue.category(of: integration.provider) ?? ProviderCatalogue.webhook.category
    }

    public func credentialHints(of integration: Integration) -> [String: String] {
        guard let fields = try? integration.openCredentials(secrets) else { return [:] }
        return fields.mapValues(Self.mask)
    }

    static func mask(_ value: String) -> String {
        value.count >= 16 ? "\(value.prefix(4))…\(value.suffix(4))" : "…\(value.suffix(2))"
    }
}
