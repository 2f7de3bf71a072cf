import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardDomain

/// Mailchimp's Marketing API 3.0 as Switchboard uses it, for one API key (or OAuth token). Every failure is
/// a `ProviderFailure`.
public struct MailchimpClient: Sendable {
    let http: HTTPClient
    let baseURL: String
    let authorization: String
    /// The key or token, for the connection gate.
    let credential: String
    var pacing: ProviderHTTP.Pacing?
    /// Mailchimp's 10 simultaneous connections per key, shared with every other client of the same key.
    var gate: ConnectionGate?

    /// A client for `apiKey` (`<key>-<dc>`), at `https://<dc>.api.mailchimp.com` unless `baseURL` is given
    /// (`SWITCHBOARD_MAILCHIMP_URL`, e.g. the emulator). OAuth tokens have no data center: pass the `dc` that
    /// Mailchimp's metadata endpoint returned as `dataCenter`.
    public init(http: HTTPClient, apiKey: String, baseURL: String? = nil, oauth: Bool = false, dataCenter: String? = nil) {
        self.http = http
        let center = dataCenter ?? apiKey.split(separator: "-").last.map(String.init) ?? "us1"
        let base = baseURL ?? "https://\(center).api.mailchimp.com"
        self.baseURL = base.hasSuffix("/") ? String(base.dropLast()) : base
        authorization = oauth ? "Bearer \(apiKey)" : "Basic " + Data("switchboard:\(apiKey)".utf8).base64EncodedString()
        credential = apiKey
    }

    /// Adds or updates a member by subscriber hash, with merge fields; new members get `statusIfNew`.
    public func upsertMember(
        audience: String,
        email: String,
        mergeFields: [String: MailchimpMergeValue],
        statusIfNew: String = "subscribed"
    )
        async throws(ProviderFailure)
    {
        let body: [String: Any] = ["email_address": email, "status_if_new": statusIfNew, "merge_fields": mergeFields.mapValues(\.json)]
        // A PUT creates the member when it is new: a 404 here can only mean the audience is gone.
        _ = try await call(.PUT, "/3.0/lists/\(audience)/members/\(MailchimpSubscriber.hash(email))", json: body, missing: .audience(audience))
    }

    /// What a batch subscribe did: members it created, members that already existed (left unchanged), and
    /// the members it refused with Mailchimp's reason, all by lowercased email.
    public struct NewMembers: Sendable, Equatable {
        public var created: Set<String> = []
        public var existing: Set<String> = []
        public var refused: [String: String] = [:]
    }

    /// Batch subscribe (`POST /3.0/lists/{list_id}`, up to 500 members) without `update_existing`: new members
    /// are created with `status` and their merge fields; members that already exist keep everything, their
    /// subscription status above all, and are reported as `existing`.
    public func addNewMembers(
        audience: String,
        _ members: [(email: String, mergeFields: [String: MailchimpMergeValue])],
        status: String
    ) async throws(ProviderFailure) -> NewMembers {
        let body: [String: Any] = [
            "members": members.map {
                ["email_address": $0.email, "status": status, "merge_fields": $0.mergeFields.mapValues(\.json)] as [String: Any]
            },
            "update_existing": false,
        ]
        let answer = try await call(.POST, "/3.0/lists/\(audience)", json: body, missing: .audience(audience))
        var result = NewMembers()
        for member in answer["new_members"] as? [[String: Any]] ?? [] {
            if let email = member["email_address"] as? String { result.created.insert(email.lowercased()) }
        }
        for error in answer["errors"] as? [[String: Any]] ?? [] {
            guard let email = (error["email_address"] as? String)?.lowercased() else { continue }
            if error["error_code"] as? String == "ERROR_CONTACT_EXISTS" {
                result.existing.insert(email)
            } else {
                result.refused[email] = error["error"] as? String ?? "refused by Mailchimp"
            }
        }
        return result
    }

    /// The audience's tags (static segments): their ids by name, every page (1000 a page).
    public func tags(audience: String) async throws(ProviderFailure) -> [String: Int] {
        let path = "/3.0/lists/\(audience)/segments?type=static&fields=segments.id,segments.name,total_items"
        var tags: [String: Int] = [:]
        for segment in try await everyPage(path, of: "segments", audience: audience) {
            if let name = segment["name"] as? String, let id = segment["id"] as? Int { tags[name] = id }
        }
        return tags
    }

    /// Every entry of a paged audience collection (`key` of each answer), 1000 a page (Mailchimp's most), until
    /// `total_items` are read.
    private func everyPage(_ path: String, of key: String, audience: String) async throws(ProviderFailure) -> [[String: Any]] {
        var entries: [[String: Any]] = []
        while true {
            let page = path + (path.contains("?") ? "&" : "?") + "count=1000&offset=\(entries.count)"
            let answer = try await call(.GET, page, missing: .audience(audience))
            let read = answer[key] as? [[String: Any]] ?? []
            entries += read
            guard !read.isEmpty, entries.count < answer["total_items"] as? Int ?? 0 else { return entries }
        }
    }

    /// Creates a tag (an empty static segment); returns its id.
    public func createTag(audience: String, name: String) async throws(ProviderFailure) -> Int {
        let answer = try await call(
            .POST,
            "/3.0/lists/\(audience)/segments",
            json: ["name": name, "static_segment": [String]()],
            missing: .audience(audience)
        )
        guard let id = answer["id"] as? Int else { throw .unavailable("Mailchimp created the tag “\(name)” without an id") }
        return id
    }

    /// Tags members (up to 500) through the tag's static segment; returns the emails Mailchimp refused.
    public func addToTag(audience: String, tagID: Int, emails: [String]) async throws(ProviderFailure) -> Set<String> {
        let answer = try await call(
            .POST,
            "/3.0/lists/\(audience)/segments/\(tagID)",
            json: ["members_to_add": emails],
            missing: .subResource("the tag \(tagID)")
        )
        var refused: Set<String> = []
        for error in answer["errors"] as? [[String: Any]] ?? [] {
            for email in error["email_addresses"] as? [String] ?? [] { refused.insert(email.lowercased()) }
        }
        return refused
    }

    /// Activates tags on a member.
    public func tag(audience: String, email: String, tags: [String]) async throws(ProviderFailure) {
        let body: [String: Any] = ["tags": tags.map { ["name": $0, "status": "active"] }]
        let path = "/3.0/lists/\(audience)/members/\(MailchimpSubscriber.hash(email))/tags"
        _ = try await call(.POST, path, json: body, missing: .subResource("the member \(email)"))
    }

    /// Records a member event (Mailchimp's own activity on the member's profile) at the time it happened: without
    /// `occurred_at` Mailchimp dates it when the call arrives, so a retried or re-sent event would move in time.
    public func recordEvent(
        audience: String,
        email: String,
        name: String,
        occurredAt: Date,
        properties: [String: String] = [:]
    ) async throws(ProviderFailure) {
        let body: [String: Any] = ["name": name, "properties": properties, "occurred_at": Timestamp.format(occurredAt)]
        let path = "/3.0/lists/\(audience)/members/\(MailchimpSubscriber.hash(email))/events"
        _ = try await call(.POST, path, json: body, missing: .subResource("the member \(email)"))
    }

    /// The account's audiences.
    public func audiences() async throws(ProviderFailure) -> [ProviderResource] {
        let answer = try await call(.GET, "/3.0/lists?count=1000&fields=lists.id,lists.name")
        return (answer["lists"] as? [[String: Any]] ?? []).map { ProviderResource(id: $0["id"] as? String ?? "", name: $0["name"] as? String ?? "") }
    }

    /// One audience; a deleted one is `list_not_found`.
    public func audience(_ id: String) async throws(ProviderFailure) -> ProviderResource {
        let answer = try await call(.GET, "/3.0/lists/\(id)", missing: .audience(id))
        return ProviderResource(id: answer["id"] as? String ?? id, name: answer["name"] as? String ?? "")
    }

    /// The merge fields of an audience, every page (1000 a page, Mailchimp's most).
    public func mergeFields(audience: String) async throws(ProviderFailure) -> [MailchimpMergeField] {
        let entries = try await everyPage("/3.0/lists/\(audience)/merge-fields", of: "merge_fields", audience: audience)
        return entries.compactMap { field -> MailchimpMergeField? in
            guard let tag = field["tag"] as? String else { return nil }
            return MailchimpMergeField(
                tag: tag,
                name: field["name"] as? String ?? tag,
                type: field["type"] as? String ?? "text",
                required: field["required"] as? Bool ?? false
            )
        }
    }

    /// Checks that the key works (the API root).
    public func ping() async throws(ProviderFailure) {
        _ = try await call(.GET, "/3.0/")
    }

    /// What a 404 of a call means: the audience is gone (the integration pauses), or something inside it is
    /// (a member, a tag: that contact's delivery fails, the integration goes on).
    enum Missing {
        case audience(String)
        case subResource(String)
    }

    private func call(_ method: HTTPMethod, _ path: String, json: Any? = nil, missing: Missing? = nil) async throws(ProviderFailure) -> [String: Any]
    {
        let send = { () async throws(ProviderFailure) -> ProviderHTTP.Answer in
            try await ProviderHTTP.call(
                http,
                method,
                baseURL + path,
                authorization: authorization,
                json: json,
                provider: "Mailchimp",
                pacing: pacing
            )
        }
        let answer = if let gate { try await gate.withSlot(for: credential, send) } else { try await send() }
        guard !answer.succeeded else { return answer.body ?? [:] }
        let failure = Self.failure(status: answer.status, body: answer.body, missing: missing)
        throw pacing?.note(failure) ?? failure
    }

    /// Maps Mailchimp's answer to what Switchboard does about it.
    static func failure(status: Int, body: [String: Any]?, missing: Missing?) -> ProviderFailure {
        let detail = body?["detail"] as? String ?? "HTTP \(status)"
        switch status {
        case 401:
            return .refused(.expiredCredentials("the API key is invalid or disabled, or the connection was revoked"))
        case 403 where body == nil:
            // Under heavy load Mailchimp may throttle with a bare 403 and no problem document.
            return .throttled(retryAfter: nil)
        case 403:
            return .refused(.missingPermissions(scopes: ["access to this account's audiences (\(detail))"]))
        case 404:
            switch missing {
            case .audience(let id): return .refused(.listNotFound(name: id))
            case .subResource(let what): return .invalid("Mailchimp answered 404: \(what) does not exist in the audience (\(detail))")
            case nil: return .invalid("Mailchimp answered 404: \(detail)")
            }
        case 429:
            // Mailchimp limits simultaneous connections and sends no Retry-After: back off and retry.
            return .throttled(retryAfter: nil)
        case 400..<500:
            return .invalid("Mailchimp answered \(status): \(body?["title"] as? String ?? "") \(detail)")
        default:
            return .unavailable("Mailchimp answered \(status): \(detail)")
        }
    }
}
