import Foundation
import SwitchboardDomain

/// A CRM or email tool that Switchboard keeps contacts in (SPEC §1, "CRM & Email Providers").
///
/// A provider is one folder of `SwitchboardProviders`: its API client, this conformance (the mapping from
/// Switchboard's contacts and activity to its API, and its validation), and its emulator. The engine
/// batches, paces, records and re-validates; the provider only speaks its API.
public protocol ContactSyncProvider: EventDelivering, OffersOptions {
    /// How many contacts one `resync` call takes: a resync checkpoint falls between pages.
    var resyncPageSize: Int { get }

    /// Live sync: creates or updates the contacts, applies lists, tags and fields, and records the
    /// provider-native activity. One result per activity, in order (nil: done).
    func sync(_ activities: [ContactActivity], over connection: ProviderConnection) async -> [ProviderFailure?]

    /// Resync of historical registrations (one page): contacts, lists, tags and fields only, never activity.
    func resync(_ contacts: [Contact], over connection: ProviderConnection) async -> [ProviderFailure?]
}

extension ContactSyncProvider {
    /// Events reach a contact-sync provider as contact activity (registrations and attendance); any other is refused.
    public func deliver(_ events: [OutboundEvent], over connection: ProviderConnection) async -> [ProviderFailure?] {
        let activities = events.map(ContactActivity.init(event:))
        let taken = activities.compactMap { $0 }
        var synced = taken.isEmpty ? [] : await sync(taken, over: connection)[...]
        return activities.map { activity in
            guard activity != nil else { return .invalid("\(description.displayName) receives registrations and attendance only") }
            return synced.isEmpty ? .unavailable("the provider gave no result") : synced.removeFirst()
        }
    }
}
