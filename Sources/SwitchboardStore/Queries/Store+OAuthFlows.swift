import Foundation
import SQLKit
import SwitchboardDomain

extension Store {
    /// Stores a new flow.
    public func insertOAuthFlow(_ flow: OAuthFlow) async throws {
        try await database.withConnection { db in
            try await db.insert(into: "oauth_flows").model(flow, with: Self.rowEncoder).run()
        }
    }

    /// The flow with this id, or nil.
    public func oauthFlow(id: String) async throws -> OAuthFlow? {
        try await database.withConnection { db in
            try await db.raw("SELECT * FROM oauth_flows WHERE id = \(bind: id)").first(decoding: OAuthFlow.self, with: Self.rowDecoder)
        }
    }

    /// Binds an unused, unexpired flow to a browser, if no browser has it yet; the flow as it stands afterwards
    /// (bound to `browserHash` only if this call won).
    public func claimOAuthFlow(id: String, browserHash: String, now: Date) async throws -> OAuthFlow? {
        try await database.withConnection { db in
            try await db.raw(
                """
                UPDATE oauth_flows SET browser_hash = \(bind: browserHash)
                WHERE id = \(bind: id) AND browser_hash IS NULL AND used_at IS NULL AND expires_at > \(bind: now.storeMilliseconds)
                """
            ).run()
            return try await db.raw("SELECT * FROM oauth_flows WHERE id = \(bind: id)").first(decoding: OAuthFlow.self, with: Self.rowDecoder)
        }
    }

    /// Marks the flow used if it is unused, unexpired and bound to `browserHash`, in one statement, so that two
    /// callbacks with the same state cannot both pass; the flow if this call used it, else nil.
    public func consumeOAuthFlow(id: String, browserHash: String, now: Date) async throws -> OAuthFlow? {
        let at = now.storeMilliseconds
        return try await database.withConnection { db in
            try await db.raw(
                """
                UPDATE oauth_flows SET used_at = \(bind: at)
                WHERE id = \(bind: id) AND browser_hash = \(bind: browserHash) AND used_at IS NULL AND expires_at > \(bind: at)
                RETURNING *
                """
            ).first(decoding: OAuthFlow.self, with: Self.rowDecoder)
        }
    }
}
