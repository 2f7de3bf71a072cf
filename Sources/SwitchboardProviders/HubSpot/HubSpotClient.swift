import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardDomain

/// HubSpot's CRM API as Switchboard uses it, for one token, at the date-versioned paths of `HubSpotAPI`. Every
/// failure is a `ProviderFailure`. Lists, properties and token checks are in `HubSpotClient+Portal`; marketing
/// events in `HubSpotClient+MarketingEvents`.
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

    /// What a batch upsert did, by lowercased email: the contacts written with their HubSpot ids, and those HubSpot
    /// refused with its reason.
    public struct Upserted: Sendable, Equatable {
        public var ids: [String: String] = [:]
        public var refused: [String: String] = [:]

        public init(ids: [String: String] = [:], refused: [String: String] = [:]) {
            self.ids = ids
            self.refused = refused
        }

        mutating func merge(_ other: Upserted) {
            ids.merge(other.ids) { _, new in new }
            refused.merge(other.refused) { _, new in new }
        }
    }

    /// Creates or updates up to 100 contacts by email.
    ///
    /// Each input carries an `objectWriteTraceId` (its position), which asks HubSpot to write the valid inputs and
    /// answer 207 with an error per refused one, its `context.objectWriteTraceId` naming the input; without it one
    /// invalid input fails the whole batch with 400
    /// (https://developers.hubspot.com/docs/api-reference/error-handling#multi-status-errors). A batch still refused
    /// whole is `.invalid`: the caller isolates the input at fault (`HubSpotProvider.upsertIsolating`).
    public func upsertContacts(_ contacts: [ContactInput]) async throws(ProviderFailure) -> Upserted {
        precondition(contacts.count <= 100, "HubSpot takes at most 100 inputs per batch")
        let inputs = contacts.enumerated().map { index, contact in
            ["idProperty": "email", "id": contact.email, "objectWriteTraceId": String(index), "properties": contact.properties] as [String: Any]
        }
        let answer = try await call(.POST, HubSpotAPI.contactsBatchUpsert, json: ["inputs": inputs])
        let emailAt = { (trace: String?) -> String? in trace.flatMap(Int.init).flatMap { contacts.indices.contains($0) ? contacts[$0].email : nil } }
        var upserted = Upserted()
        for result in answer["results"] as? [[String: Any]] ?? [] {
            guard let id = result["id"] as? String else { continue }
            let email = emailAt(result["objectWriteTraceId"] as? String) ?? ((result["properties"] as? [String: Any])?["email"] as? String)
            if let email { upserted.ids[email.lowercased()] = id }
        }
        for error in answer["errors"] as? [[String: Any]] ?? [] {
            // A property of the mapping HubSpot does not have or will not write is refused for every contact alike.
            if let problem = Self.mappingProblem(error) { throw .refused(.unusableSetting(field: "properties", problem: problem)) }
            for trace in (error["context"] as? [String: Any])?["objectWriteTraceId"] as? [String] ?? [] {
                if let email = emailAt(trace) { upserted.refused[email.lowercased()] = Self.reason(error) }
            }
        }
        return upserted
    }

    /// The named properties of the contacts that exist among `emails` (up to 100), by lowercased email.
    ///
    /// `email` is always asked for too: the results are matched by it, and HubSpot returns only the properties
    /// asked for (and `hs_object_id`, `createdate`, `lastmodifieddate`), whatever the `idProperty`.
    public func readContacts(emails: [String], properties: [String]) async throws(ProviderFailure) -> [String: [String: String]] {
        precondition(emails.count <= 100, "HubSpot takes at most 100 inputs per batch")
        let asked = properties.contains("email") ? properties : properties + ["email"]
        let body: [String: Any] = ["idProperty": "email", "inputs": emails.map { ["id": $0] }, "properties": asked]
        let answer = try await call(.POST, HubSpotAPI.contactsBatchRead, json: body)
        var found: [String: [String: String]] = [:]
        for result in answer["results"] as? [[String: Any]] ?? [] {
            let values = (result["properties"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
            if let email = values["email"] { found[email.lowercased()] = values }
        }
        return found
    }

    // MARK: Transport

    func call(
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
        // HubSpot names the token's own limit in every answer: a Professional or Enterprise portal allows more.
        if let max = answer.headers.first(name: "x-hubspot-ratelimit-max").flatMap(Int.init),
            let interval = answer.headers.first(name: "x-hubspot-ratelimit-interval-milliseconds").flatMap(Double.init),
            let budget = pacing?.budget, abs(interval / 1000 - budget.window) < 0.5
        {
            budget.adopt(limit: max)
        }
        guard !answer.succeeded else { return answer.body ?? [:] }
        let failure = Self.failure(status: answer.status, headers: answer.headers, body: answer.body ?? [:], missing: missing)
        throw pacing?.note(failure) ?? failure
    }

    /// Maps HubSpot's answer to what Switchboard does about it.
    static func failure(status: Int, headers: HTTPHeaders, body: [String: Any], missing: ValidationFailure?, now: Date = Date()) -> ProviderFailure {
        let message = reason(body)
        switch status {
        case 401:
            return .refused(.expiredCredentials("the access token is invalid, expired or revoked"))
        case 403:
            // MISSING_SCOPES names the scopes; any other 403 (the user behind a private app lost access to the
            // portal: USER_DOES_NOT_HAVE_PERMISSIONS) is a permission HubSpot refuses, in its own words.
            let scopes = (body["errors"] as? [[String: Any]] ?? []).flatMap { error in
                ((error["context"] as? [String: Any])?["requiredGranularScopes"] as? [String]) ?? []
            }
            if !scopes.isEmpty { return .refused(.missingPermissions(scopes: scopes)) }
            if body["category"] as? String == "MISSING_SCOPES" { return .refused(.missingPermissions(scopes: ["a scope HubSpot did not name"])) }
            return .refused(.permissionDenied(message))
        case 404 where missing != nil:
            return .refused(missing!)
        case 429:
            return throttle(headers: headers, body: body, now: now)
        case 400 where mappingProblem(body) != nil:
            return .refused(.unusableSetting(field: "properties", problem: mappingProblem(body)!))
        case 400..<500:
            return .invalid("HubSpot answered \(status): \(message)")
        default:
            return .unavailable("HubSpot answered \(status): \(message)")
        }
    }

    /// A 429. HubSpot's `policyName` says which limit: the ten-second window (`TEN_SECONDLY_ROLLING`) is waited out
    /// (the interval it names, or a gateway's Retry-After); the daily limit (`DAILY`) resets at midnight in the
    /// portal's time zone, which Switchboard does not know, so it tries again at the start of each hour until then
    /// (https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines).
    static func throttle(headers: HTTPHeaders, body: [String: Any], now: Date) -> ProviderFailure {
        if body["policyName"] as? String == "DAILY" {
            let hour: TimeInterval = 3600
            let nextHour = (now.timeIntervalSince1970 / hour).rounded(.down) * hour + hour
            return .quotaExhausted(
                retryAfter: nextHour - now.timeIntervalSince1970 + 5,
                detail:
                    "HubSpot's daily API limit for this portal is used up (it resets at midnight in the portal's time zone): deliveries wait and Switchboard tries again each hour. See docs/providers/hubspot.md#daily-limit"
            )
        }
        let retryAfter =
            headers.first(name: "retry-after").flatMap(TimeInterval.init)
            ?? headers.first(name: "x-hubspot-ratelimit-interval-milliseconds").flatMap(Double.init).map { $0 / 1000 }
        return .throttled(retryAfter: retryAfter)
    }

    /// A refusal that is about the property mapping, not one contact's values: a property HubSpot does not have
    /// (`PROPERTY_DOESNT_EXIST`) or will not write (`READ_ONLY_VALUE`), in HubSpot's words.
    static func mappingProblem(_ error: [String: Any]) -> String? {
        let codes = (error["errors"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        let message = error["message"] as? String ?? ""
        let mapping = ["PROPERTY_DOESNT_EXIST", "READ_ONLY_VALUE"]
        guard mapping.contains(where: { code in codes.contains(code) || message.contains(code) }) else { return nil }
        return "HubSpot refused a mapped property (\(reason(error)))"
    }

    /// HubSpot's reason in an error body: the messages of its `errors` entries when it gives them, else its
    /// `message` (whose "Property values were not valid: [...]" carries the same per-property messages as JSON).
    static func reason(_ error: [String: Any]) -> String {
        let details = (error["errors"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        if !details.isEmpty { return details.joined(separator: "; ") }
        let message = error["message"] as? String ?? "HTTP error"
        if let start = message.firstIndex(of: "["), message.hasSuffix("]"),
            let entries = try? JSONSerialization.jsonObject(with: Data(message[start...].utf8)) as? [[String: Any]]
        {
            let messages = entries.compactMap { $0["message"] as? String }
            if !messages.isEmpty { return messages.joined(separator: "; ") }
        }
        return message
    }
}
