import SwitchboardDomain
import SwitchboardEngine

/// The validation process for HubSpot (SPEC §2): the token works and has every scope the settings need, the
/// selected lists exist and take contacts, and the mapped properties exist and can be written.
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
    ///
    /// The scopes come from HubSpot's token information: introspection with the operator's app for an OAuth token
    /// (`viaOAuth`), the private-app endpoint otherwise. A token neither knows (a Service Key; an OAuth token
    /// after the operator removed the app) is never taken for expired: its scopes are probed one call each.
    public static func check(
        _ client: HubSpotClient,
        settings: HubSpotSettings,
        viaOAuth: Bool = false,
        app: OAuthApp? = nil
    ) async throws(ProviderFailure) -> ValidationFailure? {
        do {
            let required = requiredScopes(for: settings)
            let granted: Set<String>? =
                if viaOAuth { if let app { try await client.oauthScopes(app: app) } else { nil } } else { try await client.grantedScopes() }
            let missing =
                if let granted { required.filter { !HubSpotScopes.granted($0, in: granted) } } else {
                    try await client.missingScopes(required, listID: settings.listID ?? settings.attendedListID)
                }
            guard missing.isEmpty else { return .missingPermissions(scopes: missing.sorted()) }
            for (field, listID, name) in [("list_id", settings.listID, settings.listName), ("attended_list_id", settings.attendedListID, nil)] {
                guard let listID else { continue }
                do {
                    if let problem = try await client.list(listID).unusable { return .unusableSetting(field: field, problem: problem) }
                } catch .refused(.listNotFound) {
                    return .listNotFound(name: name.map { "“\($0)”" } ?? listID)
                }
            }
            if !settings.properties.isEmpty, let problem = propertyProblem(settings.properties, in: try await client.contactProperties()) {
                return .unusableSetting(field: "properties", problem: problem)
            }
            return nil
        } catch .refused(let failure) {
            return failure
        }
    }

    /// What HubSpot would refuse about a property mapping: properties it does not have, and read-only or
    /// calculated ones, which it refuses writes to.
    static func propertyProblem(_ mapping: [String: String], in properties: [HubSpotProperty]) -> String? {
        let byName = Dictionary(properties.map { ($0.name, $0) }) { first, _ in first }
        var problems: [String] = []
        let unknown = mapping.keys.filter { byName[$0] == nil }.sorted()
        if !unknown.isEmpty { problems.append("HubSpot has no contact property \(unknown.joined(separator: ", "))") }
        let readOnly = mapping.keys.filter { byName[$0]?.readOnly == true }.sorted()
        if !readOnly.isEmpty {
            problems.append("\(readOnly.joined(separator: ", ")) cannot be written (read-only or calculated by HubSpot): map other properties")
        }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }
}
