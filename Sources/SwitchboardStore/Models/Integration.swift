import SwitchboardDomain

/// An integration row. Credentials and signing secrets are sealed (`SecretBox`) before they get here.
public struct Integration: Codable, Sendable, Equatable {
    public var id: String
    public var workspaceId: String
    public var provider: String
    public var label: String
    /// The provider's settings as JSON text (for webhooks, `WebhookSettings`).
    public var settings: String
    /// Sealed credentials (a JSON object of the provider's credential fields), if the provider has any.
    public var credentials: String?
    /// The outbound event types it receives, comma-separated; nil for webhook rows older than this column,
    /// whose settings name them.
    public var events: String?
    /// The setup progress (`SetupProgress` as JSON) of providers that have a setup; nil for others.
    public var setup: String?
    public var status: IntegrationStatus
    public var pauseReason: PauseReason?
    public var statusDetail: String?
    /// The sealed current signing secret (webhooks).
    public var signingSecret: String?
    /// The sealed previous signing secret, honoured until `previousSecretExpiresAt`.
    public var previousSigningSecret: String?
    public var previousSecretExpiresAt: Int64?
    public var createdAt: Int64
    public var updatedAt: Int64
    public var lastSuccessAt: Int64?
    public var lastFailureAt: Int64?
    /// When the current run of failures without a success began; 5 days of it pauses a webhook.
    public var failingSince: Int64?
    public var deletedAt: Int64?

    /// A new integration; optional fields start empty.
    public init(
        id: String,
        workspaceId: String,
        provider: String,
        label: String,
        settings: String,
        credentials: String? = nil,
        events: [OutboundEventType]? = nil,
        health: IntegrationHealth,
        signingSecret: String? = nil,
        createdAt: Int64
    ) {
        self.id = id
        self.workspaceId = workspaceId
        self.provider = provider
        self.label = label
        self.settings = settings
        self.credentials = credentials
        self.events = events.map(Self.eventsColumn)
        self.status = health.status
        self.pauseReason = health.pauseReason
        self.statusDetail = health.statusDetail
        self.signingSecret = signingSecret
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    /// The status with its reason and detail, as the domain reasons about it.
    public var health: IntegrationHealth {
        get { IntegrationHealth(status: status, pauseReason: pauseReason, statusDetail: statusDetail) }
        set {
            status = newValue.status
            pauseReason = newValue.pauseReason
            statusDetail = newValue.statusDetail
        }
    }

    /// The event types an integration receives, as the `events` column holds them.
    public static func eventsColumn(_ events: [OutboundEventType]) -> String {
        events.map(\.rawValue).joined(separator: ",")
    }

    /// Column names, spelt out: cheaper than a key strategy on every row.
    enum CodingKeys: String, CodingKey {
        case id
        case workspaceId = "workspace_id"
        case provider
        case label
        case settings
        case credentials
        case events
        case setup
        case status
        case pauseReason = "pause_reason"
        case statusDetail = "status_detail"
        case signingSecret = "signing_secret"
        case previousSigningSecret = "previous_signing_secret"
        case previousSecretExpiresAt = "previous_secret_expires_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case lastSuccessAt = "last_success_at"
        case lastFailureAt = "last_failure_at"
        case failingSince = "failing_since"
        case deletedAt = "deleted_at"
    }
}
