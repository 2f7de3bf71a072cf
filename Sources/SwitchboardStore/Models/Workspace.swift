/// A tenant. Every other record belongs to exactly one.
public struct Workspace: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var createdAt: Int64

    /// Column names, spelt out: cheaper than a key strategy on every row.
    enum CodingKeys: String, CodingKey {
        case id
        case name
        case createdAt = "created_at"
    }
}

/// What an API key may do.
public enum APIKeyRole: String, Codable, Sendable, CaseIterable {
    /// May change integrations.
    case manager
    /// Read only.
    case member
}

/// An API key as stored: its SHA-256 hash and a hint, never the key itself.
public struct APIKey: Codable, Sendable, Equatable {
    public var id: String
    public var workspaceId: String
    public var role: APIKeyRole
    public var keyHash: String
    /// The first characters of the key, so that a manager can tell keys apart.
    public var hint: String
    public var label: String
    /// The address of the person holding a manager key: notifications are emailed there.
    public var email: String?
    public var createdAt: Int64
    public var revokedAt: Int64?

    /// Column names, spelt out: cheaper than a key strategy on every row.
    enum CodingKeys: String, CodingKey {
        case id
        case workspaceId = "workspace_id"
        case role
        case keyHash = "key_hash"
        case hint
        case label
        case email
        case createdAt = "created_at"
        case revokedAt = "revoked_at"
    }
}
