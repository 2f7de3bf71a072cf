import Foundation
import SwitchboardProviders
import Synchronization

/// What a HubSpot portal holds, as the emulator keeps it: tokens with their scopes, contacts, lists and
/// their members, contact properties, and marketing events with their attendance. Tests read it to check
/// what a sync did, and change it to drive integrations into every state (revoke a token, drop a scope,
/// delete a list, fail requests).
public final class HubSpotEmulatorState: Sendable {
    public struct Token: Sendable {
        public var scopes: Set<String>
        public var revoked = false
        /// OAuth access tokens expire; private-app tokens do not.
        public var expiresAt: Date?
        public var kind: TokenKind = .privateApp
        /// The portal user behind a private app lost access: every call answers 403 `USER_DOES_NOT_HAVE_PERMISSIONS`.
        public var userRemoved = false
    }

    /// What kind of token a manager gives. Private-app tokens (`pat-na1-…`, `pat-eu1-…`) are known to the
    /// token-information endpoint; Service Keys, which replace private apps for new accounts, are not documented
    /// there, so the emulator answers them as unknown (401) and only the API calls themselves show their scopes.
    public enum TokenKind: Sendable {
        case privateApp
        case serviceKey
        case oauth
    }

    /// An OAuth grant: an authorization code or a refresh token, for an app, with the scopes consented to.
    struct Grant {
        let clientID: String
        let redirectURI: String
        let scopes: Set<String>
        var revoked = false
    }

    public struct Contact: Sendable, Equatable {
        public let id: String
        public var properties: [String: String]
        public let createdAt: Date
        public var updatedAt: Date
    }

    public struct ContactList: Sendable, Equatable {
        public let listId: String
        public var name: String
        public var members: [String] = []
        public var deleted = false
        /// `MANUAL`, `SNAPSHOT` or `DYNAMIC`.
        public var processingType = "MANUAL"
        /// `0-1` for contacts, `0-2` companies…
        public var objectTypeId = "0-1"
    }

    public struct Property: Sendable, Equatable {
        public let name: String
        public let label: String
        public let type: String
        /// HubSpot refuses writes (`modificationMetadata.readOnlyValue`).
        public var readOnly = false
        /// Calculated by HubSpot (also not writable).
        public var calculated = false
    }

    /// One participation recorded on a marketing event (`register`, `attend`, `cancel`).
    public struct Participation: Sendable, Equatable {
        public let email: String
        public let state: String
        public let at: String
        public let properties: [String: String]
    }

    public struct MarketingEvent: Sendable, Equatable {
        public let externalEventId: String
        public let externalAccountId: String
        public var eventName: String
        public var participations: [Participation] = []
        /// How many times the event was created or upserted.
        public var writes = 1
    }

    struct Portal {
        var tokens: [String: Token] = [:]
        var contacts: [String: Contact] = [:]
        var contactByEmail: [String: String] = [:]
        var lists: [String: ContactList] = [:]
        var properties: [String: Property] = Dictionary(
            uniqueKeysWithValues: [
                Property(name: "email", label: "Email", type: "string"), Property(name: "firstname", label: "First Name", type: "string"),
                Property(name: "lastname", label: "Last Name", type: "string"), Property(name: "company", label: "Company Name", type: "string"),
                Property(name: "phone", label: "Phone Number", type: "string"),
                Property(name: "hs_object_id", label: "Record ID", type: "number", readOnly: true, calculated: true),
                Property(name: "createdate", label: "Create Date", type: "datetime", readOnly: true),
                Property(name: "lastmodifieddate", label: "Last Modified Date", type: "datetime", readOnly: true),
                Property(name: "hubspotscore", label: "HubSpot Score", type: "number", calculated: true),
            ].map { ($0.name, $0) }
        )
        var events: [String: MarketingEvent] = [:]
        var nextID = 101
        var failures: [Int] = []
        var requests = 0
        var requestsByPath: [String: Int] = [:]
        var rateLimited = 0
        var apps: [String: String] = [:]
        var codes: [String: Grant] = [:]
        var refreshTokens: [String: Grant] = [:]
        var accessTokenLifetime: TimeInterval = 1800
        /// Batch upserts refuse a batch with an invalid input whole (400), trace ids or not, as the 2026-09
        /// contacts specification allows (it lists 200 and errors, no 207).
        var refusesBatchesWhole = false
        /// The portal's daily API limit is used up: every call answers 429 `DAILY`.
        var dailyLimitReached = false
    }

    let portal = Mutex(Portal())
    /// The portal's id, as HubSpot reports it in token information.
    public let hubID = 4_000_123

    public init() {}

    // MARK: Arranging the portal

    /// Issues a token with these scopes; returns it.
    @discardableResult
    public func issueToken(
        scopes: Set<String> = HubSpotScopes.all,
        _ token: String = "pat-na1-\(UUID().uuidString.lowercased())",
        kind: TokenKind = .privateApp
    ) -> String {
        portal.withLock { $0.tokens[token] = Token(scopes: scopes, kind: kind) }
        return token
    }

    /// The user who created a private app is removed from the portal: the token's calls answer 403.
    public func removeUser(of token: String) {
        portal.withLock { $0.tokens[token]?.userRemoved = true }
    }

    /// Batch upserts refuse invalid batches whole even with trace ids (see `Portal.refusesBatchesWhole`).
    public func refuseBatchesWhole(_ refuse: Bool = true) {
        portal.withLock { $0.refusesBatchesWhole = refuse }
    }

    /// The portal's daily API limit is used up (`true`), or a new day began (`false`).
    public func reachDailyLimit(_ reached: Bool = true) {
        portal.withLock { $0.dailyLimitReached = reached }
    }

    /// Registers an OAuth app (HubSpot developer account › Apps): its client id and secret.
    public func registerApp(clientID: String, secret: String) {
        portal.withLock { $0.apps[clientID] = secret }
    }

    /// How long OAuth access tokens issued from now on live (HubSpot: 30 minutes).
    public func setAccessTokenLifetime(_ seconds: TimeInterval) {
        portal.withLock { $0.accessTokenLifetime = seconds }
    }

    /// The app is uninstalled from the portal: its refresh tokens and access tokens stop working.
    public func uninstallApps() {
        portal.withLock { portal in
            for key in portal.refreshTokens.keys { portal.refreshTokens[key]?.revoked = true }
            for (key, token) in portal.tokens where token.expiresAt != nil { portal.tokens[key]?.revoked = true }
        }
    }

    /// The token stops working (401), as when a private app's token is rotated or an app uninstalled.
    public func revoke(_ token: String) {
        portal.withLock { $0.tokens[token]?.revoked = true }
    }

    /// Removes a scope from a token (403 on the calls that need it).
    public func removeScope(_ scope: String, from token: String) {
        portal.withLock { _ = $0.tokens[token]?.scopes.remove(scope) }
    }

    /// Creates a contact list (manual unless told otherwise); returns its id.
    @discardableResult
    public func createList(named name: String, processingType: String = "MANUAL", objectTypeId: String = "0-1") -> String {
        portal.withLock { portal in
            let id = String(portal.nextID)
            portal.nextID += 1
            portal.lists[id] = ContactList(listId: id, name: name, processingType: processingType, objectTypeId: objectTypeId)
            return id
        }
    }

    /// A contact that exists before Switchboard writes any, e.g. one a salesperson typed in; returns its id.
    @discardableResult
    public func addContact(email: String, properties: [String: String]) -> String {
        portal.withLock { portal in
            let id = String(portal.nextID)
            portal.nextID += 1
            portal.contactByEmail[email.lowercased()] = id
            portal.contacts[id] = Contact(
                id: id,
                properties: properties.merging(["email": email.lowercased()]) { _, email in email },
                createdAt: Date(),
                updatedAt: Date()
            )
            return id
        }
    }

    /// Gives a list another processing type. HubSpot fixes a list's type when it is made; this stands for a list
    /// chosen before Switchboard checked types (an active list saved by an older version).
    public func setProcessingType(_ type: String, of listID: String) {
        portal.withLock { $0.lists[listID]?.processingType = type }
    }

    /// Deletes a list: later calls about it answer 404.
    public func deleteList(_ listID: String) {
        portal.withLock { $0.lists[listID]?.deleted = true }
    }

    /// Deletes a contact property: writes to it answer 400 `PROPERTY_DOESNT_EXIST`.
    public func deleteProperty(_ name: String) {
        portal.withLock { _ = $0.properties.removeValue(forKey: name) }
    }

    /// Adds a custom contact property.
    public func defineProperty(_ name: String, label: String, type: String = "string", readOnly: Bool = false) {
        portal.withLock { $0.properties[name] = Property(name: name, label: label, type: type, readOnly: readOnly) }
    }

    /// The next `count` authorized requests fail with `status` (e.g. 502), before any work is done.
    public func failNext(_ count: Int, status: Int = 502) {
        portal.withLock { $0.failures += Array(repeating: status, count: count) }
    }

    // MARK: Reading the portal

    /// Every contact, by email.
    public var contactsByEmail: [String: Contact] {
        portal.withLock { portal in
            Dictionary(uniqueKeysWithValues: portal.contactByEmail.compactMap { email, id in portal.contacts[id].map { (email, $0) } })
        }
    }

    /// Requests answered 429 so far.
    public var rateLimitedCount: Int { portal.withLock { $0.rateLimited } }

    /// Whether a contact with this email exists (cheaper than `contactsByEmail` on a large portal).
    public func hasContact(_ email: String) -> Bool {
        portal.withLock { $0.contactByEmail[email.lowercased()] != nil }
    }

    /// The number of contacts.
    public var contactCount: Int { portal.withLock { $0.contacts.count } }

    /// A list, deleted or not.
    public func list(_ listID: String) -> ContactList? {
        portal.withLock { $0.lists[listID] }
    }

    /// The emails of a list's members.
    public func memberEmails(of listID: String) -> Set<String> {
        portal.withLock { portal in
            Set((portal.lists[listID]?.members ?? []).compactMap { portal.contacts[$0]?.properties["email"] })
        }
    }

    /// Marketing events by external id.
    public var marketingEvents: [String: MarketingEvent] {
        portal.withLock { $0.events }
    }

    /// Requests answered so far (every status).
    public var requestCount: Int {
        portal.withLock { $0.requests }
    }

    /// Authenticated requests to one path so far, e.g. `/crm/v3/objects/contacts/batch/upsert`.
    public func requestCount(path: String) -> Int {
        portal.withLock { $0.requestsByPath[path] ?? 0 }
    }

    /// Authenticated requests so far, by path.
    public var requestCounts: [String: Int] {
        portal.withLock { $0.requestsByPath }
    }
}
