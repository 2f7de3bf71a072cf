import Foundation
import SwitchboardDomain

/// Long background work with progress (bulk re-send, later resync).
public struct Job: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        case queued, running, succeeded, failed, cancelled
    }

    public var id: String
    public var workspaceId: String
    public var integrationId: String?
    public var kind: String
    public var status: Status
    /// The job's parameters as JSON text.
    public var parameters: String
    public var done: Int
    public var total: Int
    public var failed: Int
    /// A JSON array of error strings.
    public var errors: String
    public var createdAt: Int64
    public var updatedAt: Int64
    /// Where a long job continues after a restart (resync: the last email done).
    public var checkpoint: String?
    /// The worker running it, until `leaseUntil`; then any worker may continue it.
    public var claimedBy: String?
    public var leaseUntil: Int64?

    /// A new queued job with no progress.
    public init(id: String, workspaceId: String, integrationId: String?, kind: String, parameters: String, createdAt: Int64) {
        self.id = id
        self.workspaceId = workspaceId
        self.integrationId = integrationId
        self.kind = kind
        self.status = .queued
        self.parameters = parameters
        self.done = 0
        self.total = 0
        self.failed = 0
        self.errors = "[]"
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    /// Column names, spelt out: cheaper than a key strategy on every row.
    enum CodingKeys: String, CodingKey {
        case id
        case workspaceId = "workspace_id"
        case integrationId = "integration_id"
        case kind
        case status
        case parameters
        case done
        case total
        case failed
        case errors
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case checkpoint
        case claimedBy = "claimed_by"
        case leaseUntil = "lease_until"
    }
}

/// An in-app message to a workspace's managers.
public struct Notification: Codable, Sendable, Equatable {
    public var id: String
    public var workspaceId: String
    public var integrationId: String?
    public var kind: String
    public var title: String
    public var body: String
    public var createdAt: Int64
    public var readAt: Int64?
    /// When it was emailed to the managers (or given up on); nil while waiting for the mailer.
    public var emailedAt: Int64?
    public var emailAttempts = 0
    /// When it was relayed to integrations as an event (`AlertRelay`); nil while waiting.
    public var relayedAt: Int64?

    /// A new unread notification.
    public init(id: String, workspaceId: String, integrationId: String?, kind: String, title: String, body: String, createdAt: Int64) {
        self.id = id
        self.workspaceId = workspaceId
        self.integrationId = integrationId
        self.kind = kind
        self.title = title
        self.body = body
        self.createdAt = createdAt
    }

    /// The notice that an integration was paused, saying why and what to do.
    public static func paused(_ integration: Integration, at now: Date) -> Notification {
        Notification(
            id: Identifier.make("ntf", at: now),
            workspaceId: integration.workspaceId,
            integrationId: integration.id,
            kind: "integration.paused",
            title: "\(integration.label) was paused",
            body: integration.statusDetail ?? "",
            createdAt: now.storeMilliseconds
        )
    }

    /// Column names, spelt out: cheaper than a key strategy on every row.
    enum CodingKeys: String, CodingKey {
        case id
        case workspaceId = "workspace_id"
        case integrationId = "integration_id"
        case kind
        case title
        case body
        case createdAt = "created_at"
        case readAt = "read_at"
        case emailedAt = "emailed_at"
        case emailAttempts = "email_attempts"
        case relayedAt = "relayed_at"
    }
}
