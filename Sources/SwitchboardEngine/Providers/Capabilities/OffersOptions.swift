import SwitchboardDomain

/// A provider with selectors a manager chooses from (lists, audiences, fields, tags, channels), refreshed from its
/// API by `GET /v1/integrations/{id}/options`.
public protocol OffersOptions: ConnectedProvider {
    /// Fresh choices for the selectors, by setting.
    func options(_ connection: ProviderConnection) async throws(ProviderFailure) -> [String: [ProviderResource]]
}
