/// A browser signed in to a workspace's web UI: who (the workspace and the role) until when. The token lives only in
/// the browser's cookie; the store keeps its SHA-256 hash.
public struct WebSession: Codable, Sendable, Equatable {
    public var tokenHash: String
    public var workspaceId: String
    public var role: APIKeyRole
    /// The API key the person signed in with; revoking it ends the session. Nil after a one-time link.
    public var apiKeyId: String?
    public var createdAt: Int64
    public var expiresAt: Int64

    public init(tokenHash: String, workspaceId: String, role: APIKeyRole, apiKeyId: String?, createdAt: Int64, expiresAt: Int64) {
        self.tokenHash = tokenHash
        self.workspaceId = workspaceId
        self.role = role
        self.apiKeyId = apiKeyId
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    /// Column names, spelt out: cheaper than a key strategy on every row.
    enum CodingKeys: String, CodingKey {
        case role
        case tokenHash = "token_hash"
        case workspaceId = "workspace_id"
        case apiKeyId = "api_key_id"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
    }
}

/// A one-time sign-in link as stored: its token's hash, the workspace and role it signs in as, until when.
public struct SignInLink: Codable, Sendable, Equatable {
    public var tokenHash: String
    public var workspaceId: String
    public var role: APIKeyRole
    public var createdAt: Int64
    public var expiresAt: Int64
    public var usedAt: Int64?

    public init(tokenHash: String, workspaceId: String, role: APIKeyRole, createdAt: Int64, expiresAt: Int64) {
        self.tokenHash = tokenHash
        self.workspaceId = workspaceId
        self.role = role
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case role
        case tokenHash = "token_hash"
        case workspaceId = "workspace_id"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case usedAt = "used_at"
    }
}
