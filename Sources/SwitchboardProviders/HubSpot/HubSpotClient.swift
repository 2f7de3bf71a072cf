import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardDomain

/// HubSpot's CRM v3 API as Switchboard uses it, for one token. Every failure is a `ProviderFailure`.
public struct HubSpotClient: Sendable {
    /// The real API; `SWITCHBOARD_HUBSPOT_URL` points Switchboard at another (the emulator).
    public static let defaultBaseURL = "https://api.hubapi.com"

    let http: HTTPClient
    let baseURL: String
    let token: String

    public init(http: HTTPClient, baseURL: String = defaultBaseURL, token: String) {
        self.http = http
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
    }

    /// A contact to create or update, identified by email.
    public struct ContactInput: Sendable, Equatable {
        public var email: String
        public var properties: [String: String]

        public init(email: String, properties: [String: String]) {
            self.email = email
            self.properties = properties
        }
    }

    /// Creates or updates up to 100 contacts by email; returns their HubSpot ids by lowercased email.
    public func upsertContacts(_ contacts: [ContactInput]) async throws(ProviderFailure) -> [String: String] {
        precondition(contacts.count <= 100, "HubSpot takes at most 100 inputs per batch")
        let inputs = contacts.map { ["idProperty": "email", "id": $0.email, "properties": $0.properties] as [String: Any] }
        let answer = try await call(.POST, "/crm/v3/objects/contacts/batch/upsert", json: ["inputs": inputs])
        var ids: [String: String] = [:]
        for result in answer["results"] as? [[String: Any]] ?? [] {
            guard let id = result["id"] as? String, let email = (result["properties"] as? [String: Any])?["email"] as? String else { continue }
            ids[email.lowercased()] = id
        }
        return ids
    }

    /// Adds contacts to a manual list; a deleted list is `list_not_found`.
    public func addToList(_ listID: String, contactIDs: [String]) async throws(ProviderFailure) {
        _ = try await call(.PUT, "/crm/v3/lists/\(listID)/memberships/add", json: contactIDs, missing: .listNotFound(name: listID))
    }

    /// The list with this id; a deleted list is `list_not_found`.
    public func list(_ listID: String) async throws(ProviderFailure) -> ProviderResource {
        let answer = try await call(.GET, "/crm/v3/lists/\(listID)", missing: .listNotFound(name: listID))
        let list = answer["list"] as? [String: Any] ?? [:]
        return ProviderResource(id: "\(list["listId"] ?? listID)", name: list["name"] as? String ?? "")
    }

    /// Lists whose name contains `query` (all lists when empty).
    public func lists(matching query: String = "") async throws(ProviderFailure) -> [ProviderResource] {
        let answer = try await call(.POST, "/crm/v3/lists/search", json: ["query": query])
        return (answer["lists"] as? [[String: Any]] ?? []).map { ProviderResource(id: "\($0["listId"] ?? "")", name: $0["name"] as? String ?? "") }
    }

    /// The names of the portal's contact properties.
    public func contactProperties() async throws(ProviderFailure) -> [String] {
        let answer = try await call(.GET, "/crm/v3/properties/contacts")
        return (answer["results"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    }

    /// The scopes granted to the token (a private-app token; 401 when it no longer works).
    public func grantedScopes() async throws(ProviderFailure) -> Set<String> {
        let answer = try await call(.POST, "/oauth/v2/private-apps/get/access-token-info", json: ["tokenKey": token], authorized: false)
        return Set(answer["scopes"] as? [String] ?? [])
    }

    // MARK: Transport

    private func call(
        _ method: HTTPMethod,
        _ path: String,
        json: Any? = nil,
        missing: ValidationFailure? = nil,
        authorized: Bool = true
    ) async throws(ProviderFailure) -> [String: Any] {
        let answer = try await ProviderHTTP.call(
            http,
            method,
            baseURL + path,
            authorization: authorized ? "Bearer \(token)" : nil,
            json: json,
            provider: "HubSpot"
        )
        guard !answer.succeeded else { return answer.body ?? [:] }
        throw Self.failure(status: answer.status, headers: answer.headers, body: answer.body ?? [:], missing: missing)
    }

    /// Maps HubSpot's answer to what Switchboard does about it.
    static func failure(status: Int, headers: HTTPHeaders, body: [String: Any], missing: ValidationFailure?) -> ProviderFailure {
        let message = body["message"] as? String ?? "HTTP \(status)"
        switch status {
        case 401:
            return .refused(.expiredCredentials("the access token is invalid, expired or revoked"))
        case 403:
            let scopes = (body["errors"] as? [[String: Any]] ?? []).flatMap { error in
                ((error["context"] as? [String: Any])?["requiredGranularScopes"] as? [String]) ?? []
            }
            return .refused(.missingPermissions(scopes: scopes.isEmpty ? ["unknown scope"] : scopes))
        case 404 where missing != nil:
            return .refused(missing!)
        case 429:
            // HubSpot's ten-second window: wait out the interval it names (Retry-After when a gateway sends one).
            let retryAfter =
                headers.first(name: "retry-after").flatMap(TimeInterval.init)
                ?? headers.first(name: "x-hubspot-ratelimit-interval-milliseconds").flatMap(Double.init).map { $0 / 1000 }
            return .throttled(retryAfter: retryAfter)
        case 400..<500:
            return .invalid("HubSpot answered \(status): \(message)")
        default:
            return .unavailable("HubSpot answered \(status): \(message)")
        }
    }
}
