/// A tenant. Every other record belongs to exactly one.
public struct Workspace: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var createdAt: Int64
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
    public var createdAt: Int64
    public var revokedAt: Int64?
}
