import Foundation
import SwitchboardDomain
import SwitchboardStore

/// The webhook provider: URL and events, the Test action, and the signing secret (SPEC §4–§6).
extension IntegrationService {
    func createWebhook(workspaceID: String, changes: Changes, now: Date) async throws(IntegrationError) -> Integration {
        if changes.credentials != nil {
            throw .invalid([FieldError(field: "credentials", message: "webhook integrations take no credentials")])
        }
        var (url, events, errors) = Self.webhookFields(changes)
        if url == nil && !errors.contains(where: { $0.field == "settings/url" }) {
            errors.append(FieldError(field: "settings/url", message: "is required"))
        }
        if events == nil && !errors.contains(where: { $0.field == "settings/events" }) {
            errors.append(FieldError(field: "settings/events", message: "is required"))
        }
        let settings = try await validatedSettings(url: url ?? "", events: events ?? [], label: changes.label, errors: errors)
        var integration = Integration(
            id: Identifier.make("int", at: now),
            workspaceId: workspaceID,
            provider: ProviderCatalogue.webhook.provider,
            label: changes.label ?? "Webhook",
            settings: JSONColumn.text(settings, fallback: "{}"),
            events: settings.events,
            health: .active,
            createdAt: Timestamp.milliseconds(now)
        )
        integration.signingSecret = secrets.seal(SigningSecret.generate().text, for: integration.signingSecretBinding)
        try await storeCall { try await store.insertIntegration(integration) }
        return integration
    }

    func updateWebhook(_ integration: Integration, changes: Changes, now: Date) async throws(IntegrationError) -> Integration {
        if changes.credentials != nil {
            throw .invalid([FieldError(field: "credentials", message: "webhook integrations take no credentials")])
        }
        let read = integration
        var integration = integration
        let current = try decodeSettings(integration)
        let (url, events, errors) = Self.webhookFields(changes)
        let settings = try await validatedSettings(
            url: url ?? current.url,
            events: events ?? current.events.map(\.rawValue),
            label: changes.label,
            errors: errors
        )
        if let label = changes.label { integration.label = label }
        integration.settings = JSONColumn.text(settings, fallback: "{}")
        integration.events = Integration.eventsColumn(settings.events)
        integration.updatedAt = Timestamp.milliseconds(now)
        try await storeCall { [integration] in try await store.updateIntegration(integration, from: read) }
        return integration
    }

    /// A webhook's `url` and `events` from a change: the settings object as the API and the web UI send it, or the
    /// typed fields of Swift callers (the demo). Null means not given; anything else is a field error.
    static func webhookFields(_ changes: Changes) -> (url: String?, events: [String]?, errors: [FieldError]) {
        var (url, events, errors) = (changes.url, changes.events, [FieldError]())
        for (key, value) in (changes.settings ?? [:]).sorted(by: { $0.key < $1.key }) where value != .null {
            switch key {
            case "url":
                guard let text = value.stringValue else {
                    errors.append(FieldError(field: "settings/url", message: "must be a string"))
                    continue
                }
                url = url ?? text
            case "events":
                guard let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                    errors.append(FieldError(field: "settings/events", message: "must be an array of strings"))
                    continue
                }
                events = events ?? items.compactMap(\.stringValue)
            default:
                errors.append(FieldError(field: "settings/\(key)", message: "is not a webhook setting (url, events)"))
            }
        }
        return (url, events, errors)
    }

    /// Resuming a webhook checks its endpoint again.
    func checkEndpoint(of integration: Integration) async throws(IntegrationError) {
        let settings = try decodeSettings(integration)
        do {
            try await endpointGuard.check(settings.url)
        } catch let refusal where !refusal.unresolved {
            throw .conflict(reason: "validation_failed", detail: "The endpoint URL is refused: \(refusal.description). Change the URL, then resume.")
        } catch {
            // Not resolving now is no reason to stay paused: the attempts say so (`dns`) if it lasts.
        }
    }

    /// Sends a signed sample `registration.created` to the endpoint and returns the attempt at once.
    func testWebhook(_ integration: Integration, now: Date) async throws(IntegrationError) -> AttemptOutcome {
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

    /// The current signing secret in its `whsec_` form, and while a rotation's grace runs, when the previous secret stops signing.
    public func signingSecret(
        workspaceID: String,
        id: String,
        now: Date = Date()
    ) async throws(IntegrationError) -> (secret: String, previousExpiresAt: Date?) {
        let integration = try await load(workspaceID: workspaceID, id: id)
        guard let sealed = integration.signingSecret, let secret = try? secrets.open(sealed, for: integration.signingSecretBinding) else {
            throw .unsupported("this integration has no signing secret")
        }
        let graceEnd = integration.previousSecretExpiresAt.flatMap { $0 > Timestamp.milliseconds(now) ? Timestamp.date(milliseconds: $0) : nil }
        return (secret, graceEnd)
    }

    /// Replaces the signing secret; the previous one keeps signing alongside it for 24 hours.
    public func rotateSigningSecret(workspaceID: String, id: String, now: Date = Date()) async throws(IntegrationError) -> (String, Date) {
        var integration = try await load(workspaceID: workspaceID, id: id)
        let read = integration
        guard integration.provider == ProviderCatalogue.webhook.provider else {
            throw .unsupported("only webhook integrations have a signing secret")
        }
        let fresh = SigningSecret.generate().text
        let expires = now.addingTimeInterval(Self.secretGracePeriod)
        integration.previousSigningSecret = integration.signingSecret
        integration.previousSecretExpiresAt = Timestamp.milliseconds(expires)
        integration.signingSecret = secrets.seal(fresh, for: integration.signingSecretBinding)
        integration.updatedAt = Timestamp.milliseconds(now)
        try await storeCall { [integration] in try await store.updateIntegration(integration, from: read) }
        return (fresh, expires)
    }

    func signingSecrets(of integration: Integration, now: Date) throws(IntegrationError) -> [SigningSecret] {
        do {
            return try integration.signingSecrets(opening: secrets, now: now)
        } catch {
            throw .unsupported("the signing secret cannot be decrypted: is SWITCHBOARD_SECRET_KEY the key it was sealed with?")
        }
    }

    private func validatedSettings(
        url: String,
        events: [String],
        label: String?,
        errors: [FieldError]
    ) async throws(IntegrationError) -> WebhookSettings {
        var errors = errors + Self.labelErrors(label)
        var types: [OutboundEventType] = []
        for (index, name) in events.enumerated() {
            if let type = OutboundEventType(rawValue: name), OutboundEventType.webhookEvents.contains(type) {
                if types.contains(type) {
                    errors.append(FieldError(field: "settings/events/\(index)", message: "names \(name) again"))
                } else {
                    types.append(type)
                }
            } else {
                errors.append(
                    FieldError(
                        field: "settings/events/\(index)",
                        message: "unknown event; expected one of \(OutboundEventType.webhookEvents.map(\.rawValue).joined(separator: ", "))"
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
            } catch let refusal where !refusal.unresolved {
                errors.append(FieldError(field: "settings/url", message: refusal.description))
            } catch {
                // A name that does not resolve now is not refused: it may be set up after the integration (or DNS is
                // down for a moment); every attempt checks it again and records a `dns` error until it resolves.
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
}
