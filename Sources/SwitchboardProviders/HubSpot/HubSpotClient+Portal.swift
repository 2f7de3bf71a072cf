import AsyncHTTPClient
import Foundation
import SwitchboardDomain
import SwitchboardEngine

/// A contact list as HubSpot's lists API describes it.
public struct HubSpotList: Sendable, Equatable {
    public var id: String
    public var name: String
    /// `MANUAL`, `SNAPSHOT` or `DYNAMIC` (an active list: HubSpot keeps its members by its filters).
    public var processingType: String
    /// The kind of record the list holds (`0-1`: contacts).
    public var objectTypeId: String

    public init(id: String, name: String, processingType: String = "MANUAL", objectTypeId: String = "0-1") {
        self.id = id
        self.name = name
        self.processingType = processingType
        self.objectTypeId = objectTypeId
    }

    /// Whether contacts can be added to the list by API: manual and snapshot lists of contacts only
    /// (https://developers.hubspot.com/docs/guides/api/crm/lists/overview).
    public var takesContacts: Bool { objectTypeId == "0-1" && ["MANUAL", "SNAPSHOT"].contains(processingType) }

    /// Why contacts cannot be added to the list, in a manager's words; nil when they can.
    var unusable: String? {
        if objectTypeId != "0-1" { return "“\(name)” is not a list of contacts: choose a list of contacts" }
        guard !takesContacts else { return nil }
        return
            "“\(name)” is an active (\(processingType.lowercased())) list, which HubSpot fills from its filters, not by API: choose a static (manual or snapshot) list"
    }

    init?(_ json: [String: Any]) {
        guard let id = json["listId"].map({ "\($0)" }) else { return nil }
        self.init(
            id: id,
            name: json["name"] as? String ?? "",
            processingType: json["processingType"] as? String ?? "",
            objectTypeId: json["objectTypeId"] as? String ?? ""
        )
    }
}

/// A contact property as HubSpot's properties API describes it.
public struct HubSpotProperty: Sendable, Equatable {
    public var name: String
    public var label: String
    /// HubSpot refuses writes to it: `modificationMetadata.readOnlyValue`, or `calculated` by HubSpot.
    public var readOnly: Bool

    public init(name: String, label: String, readOnly: Bool = false) {
        self.name = name
        self.label = label
        self.readOnly = readOnly
    }
}

extension HubSpotClient {
    /// Adds contacts to a list; a deleted list is `list_not_found`.
    public func addToList(_ listID: String, contactIDs: [String]) async throws(ProviderFailure) {
        _ = try await call(.PUT, HubSpotAPI.listMembershipsAdd(listID), json: contactIDs, missing: .listNotFound(name: listID))
    }

    /// The list with this id; a deleted list is `list_not_found`.
    public func list(_ listID: String) async throws(ProviderFailure) -> HubSpotList {
        let answer = try await call(.GET, HubSpotAPI.list(listID), missing: .listNotFound(name: listID))
        guard let list = (answer["list"] as? [String: Any]).flatMap(HubSpotList.init) else {
            throw .unavailable("HubSpot answered without the list \(listID)")
        }
        return list
    }

    /// The lists contacts can be added to whose name contains `query` (all when empty): every page of HubSpot's list
    /// search (500 a page, its most), manual and snapshot lists of contacts only. The 2026-09 search requires
    /// `offset`, `processingTypes`, `listIds` (empty: any) and `additionalProperties`
    /// (https://developers.hubspot.com/docs/api-reference/latest/crm/lists/lists/search-lists).
    public func lists(matching query: String = "") async throws(ProviderFailure) -> [HubSpotList] {
        var lists: [HubSpotList] = []
        var offset = 0
        while true {
            let body: [String: Any] = [
                "query": query, "count": 500, "offset": offset, "processingTypes": ["MANUAL", "SNAPSHOT"], "listIds": [String](),
                "objectTypeId": "0-1", "additionalProperties": [String](),
            ]
            let answer = try await call(.POST, HubSpotAPI.listSearch, json: body)
            let page = (answer["lists"] as? [[String: Any]] ?? []).compactMap(HubSpotList.init)
            lists += page.filter(\.takesContacts)
            guard answer["hasMore"] as? Bool == true, let next = answer["offset"] as? Int, next > offset, !page.isEmpty else { return lists }
            offset = next
        }
    }

    /// The portal's contact properties.
    public func contactProperties() async throws(ProviderFailure) -> [HubSpotProperty] {
        let answer = try await call(.GET, HubSpotAPI.contactProperties)
        return (answer["results"] as? [[String: Any]] ?? []).compactMap { property in
            guard let name = property["name"] as? String else { return nil }
            let readOnly = (property["modificationMetadata"] as? [String: Any])?["readOnlyValue"] as? Bool ?? false
            return HubSpotProperty(
                name: name,
                label: property["label"] as? String ?? name,
                readOnly: readOnly || property["calculated"] as? Bool ?? false
            )
        }
    }

    // MARK: Scopes

    /// The scopes of a private-app token (`pat-na1-…`, `pat-eu1-…`), or nil when the token-information endpoint
    /// does not know the token's kind (it is documented for legacy private apps only; Service Keys, which replace
    /// them, may not be known to it): then the scopes are probed. The token goes in the body as documented and as
    /// the Bearer header too, which EU-hosted tokens need (https://developers.hubspot.com/docs/apps/legacy-apps/private-apps/overview).
    public func grantedScopes() async throws(ProviderFailure) -> Set<String>? {
        let answer = try await ProviderHTTP.call(
            http,
            .POST,
            baseURL + HubSpotAPI.privateAppTokenInfo,
            authorization: "Bearer \(token)",
            json: ["tokenKey": token],
            provider: "HubSpot",
            pacing: pacing
        )
        guard answer.succeeded else {
            if (500..<600).contains(answer.status) || answer.status == 429 {
                throw Self.failure(status: answer.status, headers: answer.headers, body: answer.body ?? [:], missing: nil)
            }
            return nil
        }
        // An answer without the scopes says nothing about them: probe rather than find every scope missing.
        return (answer.body?["scopes"] as? [String]).map(Set.init)
    }

    /// The scopes of an OAuth access token, from HubSpot's token introspection with the operator's app; an inactive
    /// token is expired credentials. Nil when introspection refuses the operator's app itself (a rotated client
    /// secret): that is no verdict on the manager's token, whose scopes are then probed.
    public func oauthScopes(app: OAuthApp) async throws(ProviderFailure) -> Set<String>? {
        let fields = ["client_id": app.clientID, "client_secret": app.clientSecret, "token": token, "token_type_hint": "access_token"]
        let answer = try await ProviderHTTP.postForm(http, baseURL + HubSpotAPI.tokenIntrospection, fields, provider: "HubSpot")
        guard answer.succeeded else {
            if (400..<500).contains(answer.status) && answer.status != 429 { return nil }
            throw Self.failure(status: answer.status, headers: answer.headers, body: answer.body ?? [:], missing: nil)
        }
        guard answer.body?["active"] as? Bool == true else { throw .refused(.expiredCredentials("the OAuth access token is no longer active")) }
        let scopes = answer.body?["scopes"]
        return Set((scopes as? [String]) ?? (scopes as? String)?.split(separator: " ").map(String.init) ?? [])
    }

    /// Of `scopes`, those the token lacks, found by one harmless call per scope that needs it (reads, and writes of
    /// nothing): HubSpot checks scopes before anything else and answers 403 `MISSING_SCOPES`. A 401 is expired
    /// credentials.
    public func missingScopes(_ scopes: Set<String>, listID: String?) async throws(ProviderFailure) -> Set<String> {
        var missing: Set<String> = []
        for scope in scopes.sorted() {
            do {
                switch scope {
                case HubSpotScopes.contactsRead:
                    _ = try await call(
                        .POST,
                        HubSpotAPI.contactsBatchRead,
                        json: ["idProperty": "email", "inputs": [Any](), "properties": ["email"]]
                    )
                case HubSpotScopes.contactsWrite:
                    _ = try await call(.POST, HubSpotAPI.contactsBatchUpsert, json: ["inputs": [Any]()])
                case HubSpotScopes.schemasRead:
                    _ = try await call(.GET, HubSpotAPI.contactProperties)
                case HubSpotScopes.listsRead:
                    _ = try await call(
                        .POST,
                        HubSpotAPI.listSearch,
                        json: [
                            "query": "", "count": 1, "offset": 0, "processingTypes": [String](), "listIds": [String](),
                            "additionalProperties": [String](),
                        ]
                    )
                case HubSpotScopes.listsWrite:
                    guard let listID else { continue }
                    _ = try await call(.PUT, HubSpotAPI.listMembershipsAdd(listID), json: [String]())
                case HubSpotScopes.marketingEventsWrite:
                    _ = try await call(.POST, HubSpotAPI.attendance("switchboard-scope-check", state: "register"), json: ["inputs": [Any]()])
                default:
                    continue
                }
            } catch .refused(.missingPermissions) {
                missing.insert(scope)
            } catch .refused(.expiredCredentials(let why)) {
                throw .refused(.expiredCredentials(why))
            } catch .refused(.permissionDenied(let why)) {
                throw .refused(.permissionDenied(why))
            } catch .invalid, .refused(.listNotFound) {
                // Past the scope check: the scope is there (the empty call itself is refused, or names nothing).
            }
        }
        return missing
    }
}
