import Foundation
import SwitchboardDomain

/// A provider whose integrations connect to its API: credentials a manager gives (or OAuth), settings the provider
/// checks, and the validation process of SPEC §2 (credentials, scopes and the selected resources), run at save, on
/// resume, periodically and when the provider refuses a call. Every provider but the engine's own webhook is one.
///
/// What else a provider can do are capabilities of their own, each a protocol refining this one:
/// `EventDelivering` (events reach the provider), `OffersOptions` (selector choices), `SendsTests` (Send Test
/// Notification), `ContactSyncProvider` (contacts and resync), `OAuthConnecting`. The engine asks for a capability
/// where it needs one, and an integration whose provider lacks it gets a clear 409.
public protocol ConnectedProvider: IntegrationProvider {
    /// A new integration's share of the provider's rate limit.
    func makeBudget() -> RequestBudget

    /// Reads the credential fields a manager gave; returns the values to seal, or the fields' errors
    /// (as `credentials/<field>`).
    func credentials(from fields: [String: JSONValue]) -> Result<[String: String], FieldErrors>
    /// Checks and normalizes settings (the stored settings merged with the change); errors as `settings/<field>`.
    func settings(from fields: [String: JSONValue]) -> Result<JSONValue, FieldErrors>
    /// Required settings still missing, in a manager's words ("an audience").
    func missingSettings(_ settings: JSONValue) -> [String]
    /// The outbound events an integration with these settings receives (fan-out); by default the catalogue's.
    func events(for settings: JSONValue) -> [OutboundEventType]
    /// Whether setup ends with the manager's Finish (`complete-setup`), as for CRM and email tools where lists
    /// and fields are chosen after authorizing; false: the integration is `active` once validation passes with
    /// every required setting chosen.
    var finishesSetupByHand: Bool { get }

    /// The validation process: what the provider refuses about these credentials and settings, or nil when
    /// all holds. Throws when the provider cannot answer now (then validation decides nothing).
    func validate(_ connection: ProviderConnection) async throws(ProviderFailure) -> ValidationFailure?
}

extension ConnectedProvider {
    public func events(for settings: JSONValue) -> [OutboundEventType] {
        description.events.compactMap(OutboundEventType.init(rawValue:))
    }

    public var finishesSetupByHand: Bool { true }
}

/// Field errors as a failure value.
public struct FieldErrors: Error, Sendable, Equatable {
    public var errors: [FieldError]

    public init(_ errors: [FieldError]) {
        self.errors = errors
    }
}
