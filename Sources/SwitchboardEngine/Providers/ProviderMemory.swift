import Foundation
import SwitchboardDomain
import SwitchboardStore

/// What a provider has done at its end for one integration and must know again after a restart, or in another
/// process sharing the database (HubSpot: the marketing event of a broadcast exists). Kept in the store
/// (`provider_marks`); a provider may keep a cache in front of it, never instead of it.
public struct ProviderMemory: Sendable {
    let recall: @Sendable (String) async throws -> Bool
    let record: @Sendable (String) async throws -> Void
    let latest: @Sendable (String) async throws -> String?

    /// A memory of the integration's marks in `store`.
    public init(store: Store, integrationID: String) {
        recall = { try await store.hasProviderMark(integrationID: integrationID, mark: $0) }
        record = { try await store.addProviderMark(integrationID: integrationID, mark: $0) }
        latest = { try await store.latestProviderMark(integrationID: integrationID, prefix: $0) }
    }

    /// Whether `mark` was recorded; a store that cannot answer is a failure to retry.
    public func contains(_ mark: String) async throws(ProviderFailure) -> Bool {
        do {
            return try await recall(mark)
        } catch {
            throw .unavailable("the store could not be read: \(error)")
        }
    }

    /// Records `mark`.
    public func insert(_ mark: String) async throws(ProviderFailure) {
        do {
            try await record(mark)
        } catch {
            throw .unavailable("the store could not be written: \(error)")
        }
    }

    /// Remembers a value under `key` (a channel's name, say); the newest value of a key is the one recalled.
    public func remember(_ value: String, for key: String) async throws(ProviderFailure) {
        try await insert("\(key)=\(value)")
    }

    /// The newest value remembered under `key`, or nil.
    public func recall(_ key: String) async throws(ProviderFailure) -> String? {
        do {
            return try await latest("\(key)=").map { String($0.dropFirst(key.count + 1)) }
        } catch {
            throw .unavailable("the store could not be read: \(error)")
        }
    }
}
