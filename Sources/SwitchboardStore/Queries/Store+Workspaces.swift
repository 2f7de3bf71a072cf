import Foundation
import SQLKit
import SwitchboardDomain

extension Store {
    /// Creates a workspace.
    public func createWorkspace(name: String, now: Date = Date()) async throws -> Workspace {
        let workspace = Workspace(id: Identifier.make("wsp", at: now), name: name, createdAt: now.storeMilliseconds)
        try await database.withConnection { db in
            try await db.insert(into: "workspaces").model(workspace, with: Self.rowEncoder).run()
        }
        return workspace
    }

    /// Creates a workspace with its first manager key, in one transaction; the key's plaintext is returned once.
    public func createWorkspace(
        name: String,
        managerKeyLabel: String,
        managerEmail: String? = nil,
        now: Date = Date()
    ) async throws -> (Workspace, String) {
        let workspace = Workspace(id: Identifier.make("wsp", at: now), name: name, createdAt: now.storeMilliseconds)
        var (key, plaintext) = Self.newAPIKey(workspaceID: workspace.id, role: .manager, label: managerKeyLabel, now: now)
        key.email = managerEmail
        try await database.transaction { [key] db in
            try await db.insert(into: "workspaces").model(workspace, with: Self.rowEncoder).run()
            try await db.insert(into: "api_keys").model(key, with: Self.rowEncoder).run()
        }
        return (workspace, plaintext)
    }

    /// The workspace, or nil.
    public func workspace(id: String) async throws -> Workspace? {
        try await database.withConnection { db in
            try await db.raw("SELECT * FROM workspaces WHERE id = \(bind: id)").first(decoding: Workspace.self, with: Self.rowDecoder)
        }
    }

    /// Creates an API key and returns it with its plaintext, which is never stored and shown only now.
    public func createAPIKey(
        workspaceID: String,
        role: APIKeyRole,
        label: String,
        email: String? = nil,
        now: Date = Date()
    ) async throws -> (APIKey, String) {
        var (key, plaintext) = Self.newAPIKey(workspaceID: workspaceID, role: role, label: label, now: now)
        key.email = email
        try await database.withConnection { [key] db in
            try await db.insert(into: "api_keys").model(key, with: Self.rowEncoder).run()
        }
        return (key, plaintext)
    }

    /// A new key and its plaintext: `sb_mgr_…` or `sb_mem_…` with 24 random bytes.
    static func newAPIKey(workspaceID: String, role: APIKeyRole, label: String, now: Date) -> (APIKey, String) {
        let plaintext = "sb_\(role == .manager ? "mgr" : "mem")_" + SecretToken.make(bytes: 24)
        let key = APIKey(
            id: Identifier.make("key", at: now),
            workspaceId: workspaceID,
            role: role,
            keyHash: SecretToken.hash(plaintext),
            hint: String(plaintext.prefix(10)),
            label: label,
            email: nil,
            createdAt: now.storeMilliseconds,
            revokedAt: nil
        )
        return (key, plaintext)
    }

    /// The unrevoked key with this plaintext, or nil.
    public func authenticate(apiKey plaintext: String) async throws -> APIKey? {
        let hash = SecretToken.hash(plaintext)
        return try await database.withConnection { db in
            try await db.raw("SELECT * FROM api_keys WHERE key_hash = \(bind: hash) AND revoked_at IS NULL")
                .first(decoding: APIKey.self, with: Self.rowDecoder)
        }
    }

    /// The workspace's keys, newest first (hashes are for the store only; callers show hints).
    public func apiKeys(workspaceID: String) async throws -> [APIKey] {
        try await database.withConnection { db in
            try await db.raw("SELECT * FROM api_keys WHERE workspace_id = \(bind: workspaceID) ORDER BY id DESC")
                .all(decoding: APIKey.self, with: Self.rowDecoder)
        }
    }

    /// Revokes a key of the workspace, unless it is its last manager key.
    public func revokeAPIKey(workspaceID: String, id: String, now: Date = Date()) async throws -> KeyRevocation {
        try await database.withConnection { db in
            // One statement, so that the check and the revocation see the same keys: the last manager key stays.
            let rows = try await db.raw(
                """
                UPDATE api_keys SET revoked_at = \(bind: now.storeMilliseconds)
                WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id) AND revoked_at IS NULL
                AND (role <> 'manager' OR EXISTS (SELECT 1 FROM api_keys AS other WHERE other.workspace_id = \(bind: workspaceID)
                    AND other.role = 'manager' AND other.revoked_at IS NULL AND other.id <> \(bind: id)))
                RETURNING id
                """
            ).all()
            if !rows.isEmpty { return .revoked }
            let live = try await db.raw(
                "SELECT id FROM api_keys WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id) AND revoked_at IS NULL"
            ).all()
            return live.isEmpty ? .notFound : .lastManager
        }
    }
}

/// What revoking an API key did.
public enum KeyRevocation: Sendable, Equatable {
    case revoked
    /// No live key with that id in the workspace.
    case notFound
    /// It is the workspace's last manager key: without it nobody could manage the workspace, so it stays.
    case lastManager
}
