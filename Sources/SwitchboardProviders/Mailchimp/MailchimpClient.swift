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
    var pacing: ProviderHTTP.Pacing?

    /// A client for `apiKey` (`<key>-<dc>`), at `https://<dc>.api.mailchimp.com` unless `baseURL` is given
    /// (`SWITCHBOARD_MAILCHIMP_URL`, e.g. the emulator). OAuth tokens have no data center: pass the `dc` that
    /// Mailchimp's metadata endpoint returned as `dataCenter`.
    public init(http: HTTPClient, apiKey: String, baseURL: String? = nil, oauth: Bool = false, dataCenter: String? = nil) {
        self.http = http
        let center = dataCenter ?? apiKey.split(separator: "-").last.map(String.init) ?? "us1"
        let base = baseURL ?? "https://\(center).api.mailchimp.com"
        self.baseURL = base.hasSuffix("/") ? String(base.dropLast()) : base
        authorization = oauth ? "Bearer \(apiKey)" : "Basic " + Data("switchboard:\(apiKey)".utf8).base64EncodedString()
    }

    /// Adds or updates a member by subscriber hash, with merge fields; new members get `statusIfNew`.
    public func upsertMember(
        audience: String,
        email: String,
        mergeFields: [String: String],
        statusIfNew: String = "subscribed"
    )
        async throws(ProviderFailure)
    {
        let body: [String: Any] = ["email_address": email, "status_if_new": statusIfNew, "merge_fields": mergeFields]
        _ = try await call(.PUT, "/3.0/lists/\(audience)/members/\(MailchimpSubscriber.hash(email))", json: body, audience: audience)
    }

    /// Activates tags on a member.
    public func tag(audience: String, email: String, tags: [String]) async throws(ProviderFailure) {
        let body: [String: Any] = ["tags": tags.map { ["name": $0, "status": "active"] }]
        _ = try await call(.POST, "/3.0/lists/\(audience)/members/\(MailchimpSubscriber.hash(email))/tags", json: body, audience: audience)
    }

    /// Records a member event (Mailchimp's own activity on the member's profile).
    public func recordEvent(audience: String, email: String, name: String, properties: [String: String] = [:]) async throws(ProviderFailure) {
        let body: [String: Any] = ["name": name, "properties": properties]
        _ = try await call(.POST, "/3.0/lists/\(audience)/members/\(MailchimpSubscriber.hash(email))/events", json: body, audience: audience)
    }

    /// The account's audiences.
    public func audiences() async throws(ProviderFailure) -> [ProviderResource] {
        let answer = try await call(.GET, "/3.0/lists?count=1000&fields=lists.id,lists.name")
        return (answer["lists"] as? [[String: Any]] ?? []).map { ProviderResource(id: $0["id"] as? String ?? "", name: $0["name"] as? String ?? "") }
    }

    /// One audience; a deleted one is `list_not_found`.
    public func audience(_ id: String) async throws(ProviderFailure) -> ProviderResource {
        let answer = try await call(.GET, "/3.0/lists/\(id)", audience: id)
        return ProviderResource(id: answer["id"] as? String ?? id, name: answer["name"] as? String ?? "")
    }

    /// The merge field tags of an audience.
    public func mergeFields(audience: String) async throws(ProviderFailure) -> [String] {
        let answer = try await call(.GET, "/3.0/lists/\(audience)/merge-fields?count=1000", audience: audience)
        return (answer["merge_fields"] as? [[String: Any]] ?? []).compactMap { $0["tag"] as? String }
    }

    /// Checks that the key works (the API root).
    public func ping() async throws(ProviderFailure) {
        _ = try await call(.GET, "/3.0/")
    }

    private func call(_ method: HTTPMethod, _ path: String, json: Any? = nil, audience: String? = nil) async throws(ProviderFailure) -> [String: Any]
    {
        let answer = try await ProviderHTTP.call(
            http,
            method,
            baseURL + path,
            authorization: authorization,
            json: json,
            provider: "Mailchimp",
            pacing: pacing
        )
        guard !answer.succeeded else { return answer.body ?? [:] }
        let failure = Self.failure(status: answer.status, body: answer.body, audience: audience)
        throw pacing?.note(failure) ?? failure
    }

    /// Maps Mailchimp's answer to what Switchboard does about it.
    static func failure(status: Int, body: [String: Any]?, audience: String?) -> ProviderFailure {
        let detail = body?["detail"] as? String ?? "HTTP \(status)"
        switch status {
        case 401:
            return .refused(.expiredCredentials("the API key is invalid or disabled, or the connection was revoked"))
        case 403 where body == nil:
            // Under heavy load Mailchimp may throttle with a bare 403 and no problem document.
            return .throttled(retryAfter: nil)
        case 403:
            return .refused(.missingPermissions(scopes: ["access to this account's audiences (\(detail))"]))
        case 404 where audience != nil:
            return .refused(.listNotFound(name: audience!))
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
