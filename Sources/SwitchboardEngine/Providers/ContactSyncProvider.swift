import Foundation
import SwitchboardDomain

/// A CRM or email tool that Switchboard keeps contacts in (SPEC §1, "CRM & Email Providers").
///
/// A provider is one folder of `SwitchboardProviders`: its API client, this conformance (the mapping from
/// Switchboard's contacts and activity to its API, and its validation), and its emulator. The engine
/// batches, paces, records and re-validates; the provider only speaks its API.
public protocol ContactSyncProvider: IntegrationProvider {
    /// The most contacts one `sync` or `resync` call takes.
    var batchSize: Int { get }
    /// How many calls may run at once for one integration (Mailchimp: 10 simultaneous connections).
    var concurrentCalls: Int { get }
    /// How many contacts one `resync` call takes: a resync checkpoint falls between pages.
    var resyncPageSize: Int { get }

    /// A new integration's share of the provider's rate limit.
    func makeBudget() -> RequestBudget

    /// Reads the credential fields a manager gave; returns the values to seal, or the fields' errors
    /// (as `credentials/<field>`).
    func credentials(from fields: [String: JSONValue]) -> Result<[String: String], FieldErrors>
    /// Checks and normalizes settings (the stored settings merged with the change); errors as `settings/<field>`.
    func settings(from fields: [String: JSONValue]) -> Result<JSONValue, FieldErrors>
    /// Required settings still missing, in a manager's words ("an audience").
    func missingSettings(_ settings: JSONValue) -> [String]

    /// The validation process: what the provider refuses about these credentials and settings, or nil when
    /// all holds. Throws when the provider cannot answer now (then validation decides nothing).
    func validate(_ connection: ContactSyncConnection) async throws(ProviderFailure) -> ValidationFailure?
    /// Fresh choices for the selectors: lists, audiences, properties, merge fields, tags.
    func options(_ connection: ContactSyncConnection) async throws(ProviderFailure) -> [String: [ProviderResource]]
    /// Live sync: creates or updates the contacts, applies lists, tags and fields, and records the
    /// provider-native activity. One result per activity, in order (nil: done).
    func sync(_ activities: [ContactActivity], over connection: ContactSyncConnection) async -> [ProviderFailure?]

    /// Resync of historical registrations (one page): contacts, lists, tags and fields only, never activity.
    func resync(_ contacts: [Contact], over connection: ContactSyncConnection) async -> [ProviderFailure?]
}

/// An operator's OAuth app at a provider: Switchboard's client id and secret, and where the provider
/// sends managers back (`<public URL>/v1/oauth/callback`).
public struct OAuthApp: Sendable {
    public var clientID: String
    public var clientSecret: String
    public var redirectURI: String

    public init(clientID: String, clientSecret: String, redirectURI: String) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURI = redirectURI
    }
}

extension OAuthApp: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Never the client secret: providers that hold an app are described in logs with the services that hold them.
    public var description: String { "OAuthApp(clientID: \(clientID), clientSecret: redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["clientID": clientID], displayStyle: .struct) }
}

/// Field errors as a failure value.
public struct FieldErrors: Error, Sendable, Equatable {
    public var errors: [FieldError]

    public init(_ errors: [FieldError]) {
        self.errors = errors
    }
}

/// What a provider call needs about one integration: its opened credentials, its settings, and its share of
/// the provider's rate limit.
public struct ContactSyncConnection: Sendable {
    public let integrationID: String
    public let credentials: [String: String]
    public let settings: JSONValue
    public let budget: RequestBudget
    /// Live sync or background work (resync), for the budget.
    public let priority: RequestBudget.Priority
    /// What the provider did at its end for the integration, kept in the store; nil when nothing may be kept
    /// (validating credentials not yet saved).
    public let memory: ProviderMemory?

    public init(
        integrationID: String,
        credentials: [String: String],
        settings: JSONValue,
        budget: RequestBudget,
        priority: RequestBudget.Priority = .live,
        memory: ProviderMemory? = nil
    ) {
        self.integrationID = integrationID
        self.credentials = credentials
        self.settings = settings
        self.budget = budget
        self.priority = priority
        self.memory = memory
    }

    /// The same connection for background work.
    public func background() -> ContactSyncConnection {
        ContactSyncConnection(
            integrationID: integrationID,
            credentials: credentials,
            settings: settings,
            budget: budget,
            priority: .background,
            memory: memory
        )
    }
}
