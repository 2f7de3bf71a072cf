/// Something a manager selects at the provider — a HubSpot list, a Mailchimp audience — as the selectors
/// (`GET /v1/integrations/{id}/options`) show it.
public struct ProviderResource: Sendable, Equatable {
    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}
