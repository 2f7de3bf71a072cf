import Foundation
import SwitchboardDomain
import SwitchboardStore

/// What sending a claimed delivery needs, gathered once per claim or hand-over: its body, and its integration's route.
extension DeliveryDispatcher {
    /// A claimed delivery with everything needed to send it.
    struct Prepared: Sendable {
        let delivery: Delivery
        let route: Route
        let body: [UInt8]
        /// The last moment its attempt may start under the claim.
        let startBy: Date
    }

    /// Where a delivery goes: a signed POST to a webhook endpoint, or a provider's API.
    enum Route: Sendable {
        case webhook(url: String, secrets: [SigningSecret])
        case provider(any EventDelivering, ProviderConnection)
    }

    /// Adds to claimed deliveries what sending needs: the body (from ingest's cache when fresh, else from the
    /// store; one per event, shared by its deliveries), the URL and the secrets — a webhook's as kept for the
    /// integration's version in `versions` (deliveries handed over at ingest), else as the store has it now.
    func prepare(_ deliveries: [Delivery], now: Date, versions: [String: Int64] = [:]) async -> [Prepared] {
        guard !deliveries.isEmpty else { return [] }
        do {
            let eventIDs = Set(deliveries.map(\.eventId))
            var bodies = localDispatch.bodies.bodies(for: eventIDs)
            let missing = eventIDs.subtracting(bodies.keys)
            if !missing.isEmpty {
                let types = Dictionary(deliveries.map { ($0.eventId, $0.eventType) }) { first, _ in first }
                for (id, event) in try await store.events(ids: Array(missing)) {
                    guard let type = types[id] else { continue }
                    bodies[id] = WebhookPayload.body(type: type, occurredAt: event.occurredAt, dataJSON: event.dataJSON)
                }
            }
            var targets: [String: Route] = [:]
            var unread: [String] = []
            for id in Set(deliveries.map(\.integrationId)) {
                if let version = versions[id], let route = routes.route(of: id, version: version, now: now) {
                    targets[id] = route
                } else {
                    unread.append(id)
                }
            }
            let integrations = unread.isEmpty ? [:] : try await store.integrations(ids: unread)
            for (id, integration) in integrations where integration.deletedAt == nil && integration.status != .paused {
                // One integration whose settings or secrets cannot be read holds up only its own deliveries (they lapse
                // with the claim and are tried again), never the rest of the batch.
                do {
                    let route = try await target(of: integration, now: now)
                    targets[id] = route
                    routes.keep(route, of: integration, now: now)
                } catch ProviderFailure.refused(let failure) {
                    // An OAuth refresh the provider refused: the credentials have expired.
                    let name = catalogue.displayName(integration.provider)
                    _ = try? await store.pause(integration, refusedWith: failure, providerName: name, now: now)
                    logger.info("integration paused: its OAuth refresh was refused", metadata: ["integration": "\(id)"])
                } catch {
                    logger.error("cannot prepare deliveries of an integration", metadata: ["integration": "\(id)", "error": "\(error)"])
                }
            }
            // An attempt must end before the claim does: it may start until the lease end less the timeout and a margin.
            let margin = configuration.lease - configuration.startWindow
            return deliveries.compactMap { delivery in
                // A delivery of a paused or deleted integration was already marked skipped or cancelled.
                guard let target = targets[delivery.integrationId], let body = bodies[delivery.eventId],
                    let leaseEnds = delivery.nextAttemptAt
                else { return nil }
                let startBy = Timestamp.date(milliseconds: leaseEnds).addingTimeInterval(-margin)
                return Prepared(delivery: delivery, route: target, body: body, startBy: startBy)
            }
        } catch {
            // The claims lapse at the end of their lease and the deliveries come due again.
            logger.error("preparing deliveries failed", metadata: ["error": "\(error)", "deliveries": "\(deliveries.count)"])
            return []
        }
    }

    /// Where an integration's deliveries go. A webhook's URL and the secrets to sign with: the current one, and
    /// the previous one during its 24 hours of grace. A provider's API with the opened credentials.
    func target(of integration: Integration, now: Date) async throws -> Route {
        switch catalogue.capability(of: integration.provider) {
        case .connected(let connected):
            guard let provider = connected as? any EventDelivering else { throw Undeliverable(provider: integration.provider) }
            return .provider(
                provider,
                try await sessions.connection(for: integration, provider: provider, secrets: secrets, store: store, now: now)
            )
        case .webhook:
            let settings = try JSONDecoder().decode(WebhookSettings.self, from: Data(integration.settings.utf8))
            let secrets = try integration.signingSecrets(opening: self.secrets, now: now)
            return .webhook(url: settings.url, secrets: secrets)
        case .undriven, nil:
            throw Undeliverable(provider: integration.provider)
        }
    }

    /// An integration whose provider this process cannot deliver to (not installed, or without a delivery capability).
    struct Undeliverable: Error, CustomStringConvertible {
        let provider: String
        var description: String { "no delivery capability for provider \(provider) in this process" }
    }
}
