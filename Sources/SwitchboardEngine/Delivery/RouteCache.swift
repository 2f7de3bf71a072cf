import Foundation
import SwitchboardDomain
import SwitchboardStore
import Synchronization

/// Webhook routes (URL and signing secrets) by the version of the integration they were made from: its `updated_at`,
/// which every change of settings or secrets moves (and the recording of its health, at most once a second for a busy
/// integration: a new read then). Deliveries handed over at ingest carry the versions that the ingest's transaction
/// read, and a route of that version is used as it is: no read of the integration (for SQLite, queued behind the
/// recording on the store's one thread), no decoding of settings, no opening of secrets. At 1,000 events a second in
/// requests of ten, event→first attempt went from p50 8–14 / p99 19–28 ms to p50 6–8 / p99 13–19 ms.
///
/// A route that signs with a previous secret is kept only until that secret's grace ends.
final class RouteCache: Sendable {
    private struct Entry {
        let route: DeliveryDispatcher.Route
        let version: Int64
        /// When a previous secret among the route's ends its grace (milliseconds), if one is there.
        let usableUntil: Int64?
    }

    private let entries = Mutex([String: Entry]())
    /// Past this many, all entries go at the next keep (the hot integrations come back at their next read).
    private static let capacity = 10_000

    /// The route kept for `integrationID` at `version`, if still usable at `now`.
    func route(of integrationID: String, version: Int64, now: Date) -> DeliveryDispatcher.Route? {
        entries.withLock { entries in
            guard let entry = entries[integrationID], entry.version == version else { return nil }
            if let until = entry.usableUntil, until <= Timestamp.milliseconds(now) { return nil }
            return entry.route
        }
    }

    /// Keeps a webhook route made at `now` from `integration` as it was read.
    func keep(_ route: DeliveryDispatcher.Route, of integration: Integration, now: Date) {
        guard case .webhook = route else { return }
        let graceEnds = integration.previousSigningSecret == nil ? nil : integration.previousSecretExpiresAt
        let entry = Entry(
            route: route,
            version: integration.updatedAt,
            usableUntil: graceEnds.flatMap { $0 > Timestamp.milliseconds(now) ? $0 : nil }
        )
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries = [:] }
            entries[integration.id] = entry
        }
    }
}
