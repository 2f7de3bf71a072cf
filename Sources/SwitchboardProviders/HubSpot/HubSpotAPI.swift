import Foundation

/// HubSpot's API paths, in one place.
///
/// HubSpot versions its APIs by date, in the path after the API's name (`/crm/objects/2026-09/contacts/…`); a
/// version is current for six months and supported for 18 after it ships, and the v1–v3 paths become unsupported in
/// September 2027 (https://developers.hubspot.com/docs/developer-tooling/platform/versioning,
/// https://developers.hubspot.com/changelog/legacy-apis-and-legacy-apps-whats-going-unsupported-and-when). Moving to
/// a newer version is changing `version` here, after reading that version's changelog. Token information for
/// private-app tokens has no date-versioned path yet.
public enum HubSpotAPI {
    /// The API version Switchboard speaks (general availability: 8 September 2026).
    public static let version = "2026-09"

    static var contactsBatchUpsert: String { "/crm/objects/\(version)/contacts/batch/upsert" }
    static var contactsBatchRead: String { "/crm/objects/\(version)/contacts/batch/read" }
    static var contactProperties: String { "/crm/properties/\(version)/contacts" }
    static var listSearch: String { "/crm/lists/\(version)/search" }
    static func list(_ listID: String) -> String { "/crm/lists/\(version)/\(segment(listID))" }
    static func listMembershipsAdd(_ listID: String) -> String { "/crm/lists/\(version)/\(segment(listID))/memberships/add" }
    static func marketingEvent(_ externalEventID: String) -> String {
        "/marketing/marketing-events/\(version)/events/\(segment(externalEventID))"
    }
    static func attendance(_ externalEventID: String, state: String) -> String {
        "/marketing/marketing-events/\(version)/attendance/\(segment(externalEventID))/\(state)/email-create"
    }
    /// OAuth access-token introspection (form-encoded, with the app's client id and secret).
    static var tokenIntrospection: String { "/oauth/\(version)/token/introspect" }
    /// Private-app token information (`{"tokenKey": …}`), documented with legacy private apps only.
    static let privateAppTokenInfo = "/oauth/v2/private-apps/get/access-token-info"
    /// The OAuth token endpoint (authorization-code and refresh-token grants, form-encoded in the body).
    static var oauthToken: String { "/oauth/\(version)/token" }

    /// A path segment, percent-encoded.
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? text
    }
}
