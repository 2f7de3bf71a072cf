import Foundation
import SwitchboardDomain

/// What a provider call needs about one integration: its opened credentials, its settings, and its share of
/// the provider's rate limit.
public struct ProviderConnection: Sendable {
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
    public func background() -> ProviderConnection {
        ProviderConnection(
            integrationID: integrationID,
            credentials: credentials,
            settings: settings,
            budget: budget,
            priority: .background,
            memory: memory
        )
    }
}
