import Foundation
import SwitchboardProviders
import Synchronization

/// What a Mailchimp account holds, as the emulator keeps it: API keys, audiences (lists) with their merge
/// fields, members with merge fields, tags and events. Tests read it to check what a sync did and change it
/// to drive integrations into every state.
public final class MailchimpEmulatorState: Sendable {
    public struct Member: Sendable, Equatable {
        public let email: String
        public var status: String
        public var mergeFields: [String: String]
        public var tags: Set<String>
        public var eventLog: [MemberEvent] = []

        /// The names of the member's events, in the order they were recorded.
        public var events: [String] { eventLog.map(\.name) }
    }

    /// A member event: its name, when it happened (`occurred_at`, or when it was recorded), and its properties.
    public struct MemberEvent: Sendable, Equatable {
        public let name: String
        public let occurredAt: Date
        public let properties: [String: String]
    }

    public struct Audience: Sendable, Equatable {
        public let id: String
        public var name: String
        public var mergeFields: [String: String]
        public var members: [String: Member] = [:]
        public var deleted = false
        /// Merge field types by tag (`text` when not given): number, date, birthday, address, phone, …
        public var fieldTypes: [String: String] = [:]
        /// The tags of required merge fields.
        public var requiredFields: Set<String> = []
        /// Tags are static segments: their ids by name.
        var tagIDs: [String: Int] = [:]
    }

    struct Account {
        var keys: [String: Bool] = [:]
        var audiences: [String: Audience] = [:]
        var inFlight: [String: Int] = [:]
        var failures: [Int] = []
        var requests = 0
        var peakConcurrency = 0
        var tooManyConnections = 0
        var nextSegmentID = 3001
        var apps: [String: String] = [:]
        var codes: [String: (clientID: String, redirectURI: String)] = [:]
    }

    let account = Mutex(Account())
    /// How long each answer takes, so that tests can reach the connection limit.
    let responseDelay = Mutex<Duration>(.zero)

    public init() {}

    /// Issues an API key in Mailchimp's format (32 hex digits, a dash and the data center); returns it.
    @discardableResult
    public func issueKey(dataCenter: String = "us6") -> String {
        let key = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased() + "-" + dataCenter
        account.withLock { $0.keys[key] = true }
        return key
    }

    /// Registers an OAuth app (Mailchimp › Account › Extras › Registered apps): its client id and secret.
    public func registerApp(clientID: String, secret: String) {
        account.withLock { $0.apps[clientID] = secret }
    }

    /// The key stops working (401), as when it is disabled in the account.
    public func revoke(_ key: String) {
        account.withLock { $0.keys[key] = false }
    }

    /// Creates an audience with the default merge fields (FNAME, LNAME) plus `mergeFields` (tag → name).
    @discardableResult
    public func createAudience(named name: String, mergeFields: [String: String] = [:]) -> String {
        let id = String(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(10))
        let fields = ["FNAME": "First Name", "LNAME": "Last Name"].merging(mergeFields) { _, new in new }
        account.withLock { $0.audiences[id] = Audience(id: id, name: name, mergeFields: fields) }
        return id
    }

    /// Adds or changes a merge field of an audience: its type (`text`, `number`, `date`, `birthday`, `address`,
    /// `phone`, …) and whether it is required.
    public func defineMergeField(_ tag: String, name: String? = nil, type: String = "text", required: Bool = false, in audienceID: String) {
        account.withLock { account in
            account.audiences[audienceID]?.mergeFields[tag] = name ?? tag
            account.audiences[audienceID]?.fieldTypes[tag] = type
            if required {
                account.audiences[audienceID]?.requiredFields.insert(tag)
            } else {
                account.audiences[audienceID]?.requiredFields.remove(tag)
            }
        }
    }

    /// Adds or changes a member directly (as a sign-up form or another tool would).
    public func putMember(_ email: String, status: String, mergeFields: [String: String] = [:], in audienceID: String) {
        let email = email.lowercased()
        account.withLock { account in
            account.audiences[audienceID]?.members[MailchimpSubscriber.hash(email)] = Member(
                email: email,
                status: status,
                mergeFields: mergeFields,
                tags: []
            )
        }
    }

    /// Deletes an audience: later calls about it answer 404.
    public func deleteAudience(_ id: String) {
        account.withLock { $0.audiences[id]?.deleted = true }
    }

    /// The next `count` authorized requests fail with `status`.
    public func failNext(_ count: Int, status: Int = 503) {
        account.withLock { $0.failures += Array(repeating: status, count: count) }
    }

    /// Makes every answer take `delay`.
    public func delayResponses(by delay: Duration) {
        responseDelay.withLock { $0 = delay }
    }

    /// The members of an audience, by lowercased email.
    public func members(of audienceID: String) -> [String: Member] {
        account.withLock { account in
            Dictionary(uniqueKeysWithValues: (account.audiences[audienceID]?.members.values.map { ($0.email, $0) }) ?? [])
        }
    }

    /// The most requests of one key that were in flight at once.
    public var peakConcurrency: Int { account.withLock { $0.peakConcurrency } }

    /// Requests refused with 429 for going over the 10 simultaneous connections.
    public var tooManyConnectionsCount: Int { account.withLock { $0.tooManyConnections } }

    /// Removes a member for good (Mailchimp's "delete permanently"): later calls about it answer 404.
    public func deleteMember(_ email: String, from audienceID: String) {
        account.withLock { _ = $0.audiences[audienceID]?.members.removeValue(forKey: MailchimpSubscriber.hash(email.lowercased())) }
    }

    /// Requests answered so far (every status).
    public var requestCount: Int { account.withLock { $0.requests } }
}
