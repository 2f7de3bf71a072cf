/// A manager's OAuth connection in progress. Its `id` is the `state` the provider sends back; `browserHash` is the
/// hash of the cookie given to the first browser that opened the link; `usedAt` is set when the callback consumes it.
public struct OAuthFlow: Codable, Sendable, Equatable {
    public var id: String
    public var workspaceId: String
    public var integrationId: String
    public var browserHash: String?
    public var createdAt: Int64
    public var expiresAt: Int64
    public var usedAt: Int64?

    public init(id: String, workspaceId: String, integrationId: String, createdAt: Int64, expiresAt: Int64) {
        self.id = id
        self.workspaceId = workspaceId
        self.integrationId = integrationId
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    /// Column names, spelt out: cheaper than a key strategy on every row.
    enum CodingKeys: String, CodingKey {
        case id
        case workspaceId = "workspace_id"
        case integrationId = "integration_id"
        case browserHash = "browser_hash"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case usedAt = "used_at"
    }
}
