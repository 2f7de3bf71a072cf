import SwitchboardDomain

/// The validation process for HubSpot (SPEC §2): the token works, has every scope the settings need, and the
/// selected list still exists.
public enum HubSpotValidation {
    /// The scopes an integration with these settings needs.
    public static func requiredScopes(for settings: HubSpotSettings) -> Set<String> {
        var scopes: Set<String> = [HubSpotScopes.contactsWrite, HubSpotScopes.schemasRead, HubSpotScopes.marketingEventsWrite]
        if settings.listID != nil || settings.attendedListID != nil { scopes.formUnion([HubSpotScopes.listsRead, HubSpotScopes.listsWrite]) }
        if !settings.overwriteNames { scopes.insert(HubSpotScopes.contactsRead) }
        return scopes
    }

    /// What HubSpot refuses about this integration, or nil when everything holds. Throws when HubSpot cannot
    /// answer now (rate limit, outage): a validation that could not run decides nothing.
    public static func check(
        _ client: HubSpotClient,
        settings: HubSpotSettings,
        oauth: Bool = false
    ) async throws(ProviderFailure) -> ValidationFailure? {
        do {
            let granted = oauth ? try await client.oauthScopes() : try await client.grantedScopes()
            let missing = requiredScopes(for: settings).subtracting(granted)
            guard missing.isEmpty else { return .missingPermissions(scopes: missing.sorted()) }
            for (listID, name) in [(settings.listID, settings.listName), (settings.attendedListID, nil)] {
                guard let listID else { continue }
                do {
                    _ = try await client.list(listID)
                } catch .refused(.listNotFound) {
                    return .listNotFound(name: name.map { "“\($0)”" } ?? listID)
                }
            }
            return nil
        } catch .refused(let failure) {
            return failure
        }
    }
}
