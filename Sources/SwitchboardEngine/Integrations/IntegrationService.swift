import Foundation
import Logging
import SwitchboardDomain
import SwitchboardStore

/// The Manage Integration actions (SPEC §6) for webhook integrations: create, change, pause, resume,
/// test, and the signing secret. The HTTP layer only translates requests into these calls.
public struct IntegrationService: Sendable {
    let store: Store
    let secrets: SecretBox
    let endpointGuard: EndpointGuard
    let sender: WebhookSender

    /// How long a replaced signing secret keeps signing deliveries (SPEC §4).
    public static let secretGracePeriod: TimeInterval = 24 * 3600

    /// A service over the store, the operator's secret box, and the sender used by Test.
    public init(store: Store, secrets: SecretBox, endpointGuard: EndpointGuard, sender: WebhookSender) {
        self.store = store
        self.secrets = secrets
        self.endpointGuard = endpointGuard
        self.sender = sender
    }

    /// What a create or update asks for; absent fields stay as they are.
    public struct Changes: Sendable {
        public var label: String?
        public var url: String?
        public var events: [String]?

        public init(label: String? = nil, url: String? = nil, events: [String]? = nil) {
            self.label = label
            self.url = url
            self.events = events
        }
    }

    /// Creates a webhook integration with a new signing secret; it is `active` at once.
    public func create(workspaceID: String, provider: String, changes: Changes, now: Date = Date()) async throws(IntegrationError) -> Integration {
        guard provider == "webhook" else {
            throw .invalid([
                FieldError(
                    field: "provider",
                    message: "unknown provider; available: \(ProviderCatalogue.all.map(\.provider).joined(separator: ", "))"
                )
            ])
        }
        var errors: [FieldError] = []
        if changes.url == nil { errors.append(FieldError(field: "settings/url", message: "is required")) }
        if changes.events == nil { errors.append(FieldError(field: "settings/events", message: "is required")) }
        let settings = try await validatedSettings(url: changes.url ?? "", events: changes.events ?? [], label: changes.label, errors: errors)
        let integration = Integration(
            id: Identifier.make("int", at: now),
            workspaceId: workspaceID,
            provider: provider,
            label: changes.label ?? "Webhook",
            settings: encode(settings),
            health: .active,
            signingSecret: secrets.seal(SigningSecret.generate().text),
            createdAt: Timestamp.milliseconds(now)
        )
        try await storeCall { try await store.insertIntegration(integration) }
        return integration
    }

    /// Applies Manage Integration changes; a new URL is checked before anything is saved.
    public func update(workspaceID: String, id: String, changes: Changes, now: Date = Date()) async throws(IntegrationError) -> Integration {
        var integration = try await load(workspaceID: workspaceID, id: id)
        let current = try decodeSettings(integration)
        let settings = try await validatedSettings(
            url: changes.url ?? current.url,
            events: changes.events ?? current.events.map(\.rawValue),
            label: changes.label,
            errors: []
        )
        if let label = changes.label { integration.label = label }
        integration.settings = encode(settings)
        integration.updatedAt = Timestamp.milliseconds(now)
        try await storeCall { [integration] in try await store.updateIntegration(integration) }
        return integration
    }

    /// Pauses by a manager's hand: nothing is sent, new events are recorded as skipped.
    public func pause(workspaceID: String, id: String, now: Date = Date()) async throws(IntegrationError) -> Integration {
        var integration = try await load(workspaceID: workspaceID, id: id)
        var health = integration.health
        health.pause(.manual)
        integration.health = health
        integration.updatedAt = Timestamp.milliseconds(now)
        try await storeCall { [integration] in try await store.updateIntegration(integration) }
        return integration
    }

    /// Validates again, then resumes; refuses with the reason when validation still fails.
    public func resume(workspaceID: String, id: String, now: Date = Date()) async throws(IntegrationError) -> Integration {
        var integration = try await load(workspaceID: workspaceID, id: id)
        guard integration.status == .paused else { return integration }
        let settings = try decodeSettings(integration)
        do {
            try await endpointGuard.check(settings.url)
        } catch {
            throw .conflict(reason: "validation_failed", detail: "The endpoint URL is refused: \(error.description). Change the URL, then resume.")
        }
        var health = integration.health
        health.resume()
        integration.health = health
        integration.failingSince = nil
        integration.updatedAt = Timestamp.milliseconds(now)
        try await storeCall { [integration] in try await store.updateIntegration(integration) }
        return integration
    }

    /// Sends a signed sample `registration.created` to the endpoint and returns the attempt at once.
    public func test(workspaceID: String, id: String, now: Date = Date()) async throws(IntegrationError) -> AttemptOutcome {
        let integration = try await load(workspaceID: workspaceID, id: id)
        let settings = try decodeSettings(integration)
        let data: [String: JSONValue] = [
            "broadcast": .object(["id": .string("brd_test"), "title": .string("Switchboard test broadcast")]),
            "registrant": .object(["email": .string("test@example.com"), "first_name": .string("Test"), "last_name": .string("Registrant")]),
            "test": .bool(true),
        ]
        let body = WebhookPayload.body(type: .registrationCreated, occurredAt: now, data: data)
        return await sender.send(
            url: settings.url,
            messageID: Identifier.make("msg_test", at: now),
            body: body,
            secrets: try signingSecrets(of: integration, now: now),
            now: now
        )
    }

    /// The current signing secret in its `whsec_` form.
    public func signingSecret(workspaceID: String, id: String) async throws(IntegrationError) -> String {
        let integration = try await load(workspaceID: workspaceID, id: id)
        guard let sealed = integration.signingSecret, let secret = try? secrets.open(sealed) else {
            throw .unsupported("this integration has no signing secret")
        }
        return secret
    }

    /// Replaces the signing secret; the previous one keeps signing alongside it for 24 hours.
    public func rotateSigningSecret(workspaceID: String, id: String, now: Date = Date()) async throws(IntegrationError) -> (String, Date) {
        var integration = try await load(workspaceID: workspaceID, id: id)
        guard integration.provider == "webhook" else { throw .unsupported("only webhook integrations have a signing secret") }
        let fresh = SigningSecret.generate().text
        let expires = now.addingTimeInterval(Self.secretGracePeriod)
        integration.previousSigningSecret = integration.signingSecret
        integration.previousSecretExpiresAt = Timestamp.milliseconds(expires)
        integration.signingSecret = secrets.seal(fresh)
        integration.updatedAt = Timestamp.milliseconds(now)
        try await storeCall { [integration] in try await store.updateIntegration(integration) }
        return (fresh, expires)
    }

    /// Deletes the integration and cancels its pending deliveries.
    public func delete(workspaceID: String, id: String, now: Date = Date()) async throws(IntegrationError) {
        let deleted = try await storeCall { try await store.deleteIntegration(workspaceID: workspaceID, id: id, now: now) }
        guard deleted else { throw .notFound }
    }

    // MARK: - Helpers

    func signingSecrets(of integration: Integration, now: Date) throws(IntegrationError) -> [SigningSecret] {
        do {
            return try integration.signingSecrets(opening: secrets, now: now)
        } catch {
            throw .unsupported("the signing secret cannot be decrypted: is SWITCHBOARD_SECRET_KEY the key it was sealed with?")
        }
    }

    private func load(workspaceID: String, id: String) async throws(IntegrationError) -> Integration {
        guard let integration = try await storeCall({ try await store.integration(workspaceID: workspaceID, id: id) }) else { throw .notFound }
        return integration
    }

    private func validatedSettings(
        url: String,
        events: [String],
        label: String?,
        errors: [FieldError]
    ) async throws(IntegrationError) -> WebhookSettings {
        var errors = errors
        if let label, label.trimmingCharacters(in: .whitespaces).isEmpty || label.count > 200 {
            errors.append(FieldError(field: "label", message: "must be 1 to 200 characters"))
        }
        var types: [OutboundEventType] = []
        for (index, name) in events.enumerated() {
            if let type = OutboundEventType(rawValue: name) {
                if !types.contains(type) { types.append(type) }
            } else {
                errors.append(
                    FieldError(
                        field: "settings/events/\(index)",
                        message: "unknown event; expected one of \(OutboundEventType.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                )
            }
        }
        if types.isEmpty && errors.allSatisfy({ !$0.field.hasPrefix("settings/events") }) {
            errors.append(FieldError(field: "settings/events", message: "select at least one event"))
        }
        if !url.isEmpty || !errors.contains(where: { $0.field == "settings/url" }) {
            do {
                try await endpointGuard.check(url)
            } catch {
                errors.append(FieldError(field: "settings/url", message: error.description))
            }
        }
        guard errors.isEmpty else { throw .invalid(errors) }
        return WebhookSettings(url: url, events: types)
    }

    private func decodeSettings(_ integration: Integration) throws(IntegrationError) -> WebhookSettings {
        guard let settings = try? JSONDecoder().decode(WebhookSettings.self, from: Data(integration.settings.utf8)) else {
            throw .unsupported("this integration has no webhook settings")
        }
        return settings
    }

    private func encode(_ settings: WebhookSettings) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(settings)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
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
