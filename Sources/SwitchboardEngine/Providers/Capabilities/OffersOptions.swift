import SwitchboardDomain

/// A provider with selectors a manager chooses from (lists, audiences, fields, tags, channels), refreshed from its
/// API by `GET /v1/integrations/{id}/options`.
public protocol OffersOptions: ConnectedProvider {
    /// Fresh choices for the selectors, by setting.
    func options(_ connection: ProviderConnection) async throws(ProviderFailure) -> [String: [ProviderResource]]
    /// Which of those choices each setting takes its value from (`list_id` ← `lists`), for the web UI's selectors;
    /// a setting not named here takes the choices of its own name.
    var optionsBySetting: [String: String] { get }
}

extension OffersOptions {
    public var optionsBySetting: [String: String] { [:] }

    /// The choices of each setting, from `options(_:)`'s answer.
    public func choicesBySetting(_ options: [String: [ProviderResource]]) -> [String: [ProviderResource]] {
        let names = Set(options.keys).union(optionsBySetting.keys)
        return names.reduce(into: [:]) { result, setting in
            if let choices = options[optionsBySetting[setting] ?? setting] { result[setting] = choices }
        }
    }
}
