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
    let pacing: ProviderHTTP.Pacing?

    public init(http: HTTPClient, baseURL: String = defaultBaseURL, token: String) {
        self.init(http: http, baseURL: baseURL, token: token, pacing: nil)
    }

    init(http: HTTPClient, baseURL: String, token: String, pacing: ProviderHTTP.Pacing?) {
        self.http = http
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.pacing = pacing
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

    /// The named properties of the contacts that exist among `emails` (up to 100), by lowercased email.
    ///
    /// `email` is always asked for too: the results are matched by it, and HubSpot returns only the properties
    /// asked for (and `hs_object_id`, `createdate`, `lastmodifieddate`), whatever the `idProperty`.
    public func readContacts(emails: [String], properties: [String]) async throws(ProviderFailure) -> [String: [String: String]] {
        precondition(emails.count <= 100, "HubSpot takes at most 100 inputs per batch")
        let asked = properties.contains("email") ? properties : properties + ["email"]
        let body: [String: Any] = ["idProperty": "email", "inputs": emails.map { ["id": $0] }, "properties": asked]
        let answer = try await call(.POST, "/crm/v3/objects/contacts/batch/read", json: body)
        var found: [String: [String: String]] = [:]
        for result in answer["results"] as? [[String: Any]] ?? [] {
            let values = (result["properties"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
            if let email = values["email"] { found[email.lowercased()] = values }
        }
        return found
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

    /// Creates the marketing event of a broadcast; one that already exists (409) is fine.
    public func createMarketingEvent(externalEventID: String, externalAccountID: String, name: String, startsAt: Date?) async throws(ProviderFailure)
    {
        var body: [String: Any] = [
            "externalEventId": externalEventID, "externalAccountId": externalAccountID, "eventName": name, "eventOrganizer": "Switchboard",
            "eventType": "WEBINAR",
        ]
        if let startsAt { body["startDateTime"] = Timestamp.format(startsAt) }
        do {
            _ = try await call(.POST, "/marketing/v3/marketing-events/events", json: body)
        } catch .invalid(let message) where message.contains("answered 409") {
            return
        }
    }

    /// A participation to record on a marketing event: the contact's email, when, and details.
    public struct Participation: Sendable, Equatable {
        public var email: String
        public var at: Date
        public var properties: [String: String]

        public init(email: String, at: Date, properties: [String: String] = [:]) {
            self.email = email
            self.at = at
            self.properties = properties
        }
    }

    /// Records `register`, `attend` or `cancel` participations by email on a marketing event.
    public func recordParticipations(
        externalEventID: String,
        externalAccountID: String,
        state: String,
        _ participations: [Participation]
    ) async throws(ProviderFailure) {
        let inputs: [[String: Any]] = participations.map {
            ["email": $0.email, "interactionDateTime": Int64($0.at.timeIntervalSince1970 * 1000), "properties": $0.properties]
        }
        let path =
            "/marketing/v3/marketing-events/attendance/\(Self.pathSegment(externalEventID))/\(state)/email-create?externalAccountId=\(Self.pathSegment(externalAccountID))"
        _ = try await call(.POST, path, json: ["inputs": inputs])
    }

    static func pathSegment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? text
    }

    /// The scopes granted to an OAuth access token (401 or 404 when it no longer works).
    public func oauthScopes() async throws(ProviderFailure) -> Set<String> {
        let answer = try await ProviderHTTP.call(
            http,
            .GET,
            baseURL + "/oauth/v1/access-tokens/\(Self.pathSegment(token))",
            authorization: nil,
            json: nil,
            provider: "HubSpot",
            pacing: pacing
        )
        guard answer.succeeded else {
            if answer.status == 404 || answer.status == 401 { throw .refused(.expiredCredentials("the OAuth access token is invalid or expired")) }
            throw Self.failure(status: answer.status, headers: answer.headers, body: answer.body ?? [:], missing: nil)
        }
        return Set(answer.body?["scopes"] as? [String] ?? [])
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
            provider: "HubSpot",
            pacing: pacing
        )
        guard !answer.succeeded else { return answer.body ?? [:] }
        let failure = Self.failure(status: answer.status, headers: answer.headers, body: answer.body ?? [:], missing: missing)
        throw pacing?.note(failure) ?? failure
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
