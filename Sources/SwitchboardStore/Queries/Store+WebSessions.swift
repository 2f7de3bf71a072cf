import Foundation
import SQLKit
import SwitchboardDomain

extension Store {
    /// Saves a one-time sign-in link.
    public func insertSignInLink(_ link: SignInLink) async throws {
        try await database.withConnection { db in
            try await db.insert(into: "sign_in_links").model(link, with: Self.rowEncoder).run()
        }
    }

    /// The workspace name and role of an unused, unexpired link, without using it: what the sign-in page states
    /// before the person presses Continue.
    public func signInLinkTarget(tokenHash: String, now: Date = Date()) async throws -> (workspaceName: String, role: APIKeyRole)? {
        try await database.withConnection { db in
            guard
                let row = try await db.raw(
                    """
                    SELECT w.name AS name, l.role AS role FROM sign_in_links AS l JOIN workspaces AS w ON w.id = l.workspace_id
                    WHERE l.token_hash = \(bind: tokenHash) AND l.used_at IS NULL AND l.expires_at > \(bind: now.storeMilliseconds)
                    """
                ).first()
            else { return nil }
            return (try row.decode(column: "name", as: String.self), APIKeyRole(rawValue: try row.decode(column: "role", as: String.self)) ?? .member)
        }
    }

    /// Uses the link with this token hash, if it is unused and unexpired, and saves `session` for its workspace and
    /// role, in one transaction: a link signs in once. Nil when the link is unknown, used or expired.
    public func redeemSignInLink(
        tokenHash: String,
        session: @Sendable (_ workspaceID: String, _ role: APIKeyRole) -> WebSession,
        now: Date = Date()
    ) async throws -> WebSession? {
        let now = now.storeMilliseconds
        return try await database.transaction { db in
            let used = try await db.raw(
                """
                UPDATE sign_in_links SET used_at = \(bind: now)
                WHERE token_hash = \(bind: tokenHash) AND used_at IS NULL AND expires_at > \(bind: now)
                RETURNING workspace_id, role
                """
            ).first()
            guard let used else { return nil }
            let role = APIKeyRole(rawValue: try used.decode(column: "role", as: String.self)) ?? .member
            let made = session(try used.decode(column: "workspace_id", as: String.self), role)
            try await db.insert(into: "web_sessions").model(made, with: Self.rowEncoder).run()
            return made
        }
    }

    /// Saves a session (a sign-in with an API key), and forgets sessions and links that have expired.
    public func insertWebSession(_ session: WebSession) async throws {
        try await database.transaction { db in
            try await db.raw("DELETE FROM web_sessions WHERE expires_at <= \(bind: session.createdAt)").run()
            try await db.raw("DELETE FROM sign_in_links WHERE expires_at <= \(bind: session.createdAt)").run()
            try await db.insert(into: "web_sessions").model(session, with: Self.rowEncoder).run()
        }
    }

    /// The live session with this token hash: unexpired, and its API key (if it signed in with one) not revoked.
    public func webSession(tokenHash: String, now: Date = Date()) async throws -> WebSession? {
        try await database.withConnection { db in
            try await db.raw(
                """
                SELECT s.* FROM web_sessions AS s LEFT JOIN api_keys AS k ON k.id = s.api_key_id
                WHERE s.token_hash = \(bind: tokenHash) AND s.expires_at > \(bind: now.storeMilliseconds)
                AND (s.api_key_id IS NULL OR k.revoked_at IS NULL)
                """
            ).first(decoding: WebSession.self, with: Self.rowDecoder)
        }
    }

    /// Ends a session (sign-out).
    public func deleteWebSession(tokenHash: String) async throws {
        try await database.withConnection { db in
            try await db.raw("DELETE FROM web_sessions WHERE token_hash = \(bind: tokenHash)").run()
        }
    }
}
