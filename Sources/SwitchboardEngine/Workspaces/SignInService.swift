import Foundation
import SwitchboardDomain
import SwitchboardStore

/// Who may use the web UI: sign-in with an API key or a one-time link, a session token for the browser's cookie,
/// sign-out. Tokens are random (`SecretToken`) and stored as hashes; a session takes the role of what signed it in.
public struct SignInService: Sendable {
    let store: Store

    /// How long a one-time link can be used: long enough to open it from the demo's banner or an operator's message.
    public static let linkLifetime: TimeInterval = 3600
    /// How long a session lasts from sign-in: a working day; then the person signs in again.
    public static let sessionLifetime: TimeInterval = 12 * 3600

    public init(store: Store) {
        self.store = store
    }

    /// A browser's signed-in session and the token its cookie carries.
    public struct SignedIn: Sendable {
        public var token: String
        public var session: WebSession
    }

    /// A new one-time link's token for the workspace and role; nil when there is no such workspace.
    public func makeLink(workspaceID: String, role: APIKeyRole, now: Date = Date()) async throws -> String? {
        guard try await store.workspace(id: workspaceID) != nil else { return nil }
        let token = "sbl_" + SecretToken.make(bytes: 24)
        try await store.insertSignInLink(
            SignInLink(
                tokenHash: SecretToken.hash(token),
                workspaceId: workspaceID,
                role: role,
                createdAt: Timestamp.milliseconds(now),
                expiresAt: Timestamp.milliseconds(now.addingTimeInterval(Self.linkLifetime))
            )
        )
        return token
    }

    /// Where a link signs in (workspace name and role), without using it; nil when it is unknown, used or expired.
    public func target(of link: String, now: Date = Date()) async throws -> (workspaceName: String, role: APIKeyRole)? {
        try await store.signInLinkTarget(tokenHash: SecretToken.hash(link), now: now)
    }

    /// Signs in with a one-time link: nil when it is unknown, used or expired.
    public func redeem(link token: String, now: Date = Date()) async throws -> SignedIn? {
        let sessionToken = Self.newSessionToken()
        let session = try await store.redeemSignInLink(
            tokenHash: SecretToken.hash(token),
            session: { workspace, role in Self.session(sessionToken, workspaceID: workspace, role: role, apiKeyID: nil, now: now) },
            now: now
        )
        return session.map { SignedIn(token: sessionToken, session: $0) }
    }

    /// Signs in with an API key: nil when the key is unknown or revoked. The session ends when the key is revoked.
    public func signIn(apiKey: String, now: Date = Date()) async throws -> SignedIn? {
        guard let key = try await store.authenticate(apiKey: apiKey) else { return nil }
        let token = Self.newSessionToken()
        let session = Self.session(token, workspaceID: key.workspaceId, role: key.role, apiKeyID: key.id, now: now)
        try await store.insertWebSession(session)
        return SignedIn(token: token, session: session)
    }

    /// The live session of a cookie's token, or nil.
    public func session(token: String, now: Date = Date()) async throws -> WebSession? {
        try await store.webSession(tokenHash: SecretToken.hash(token), now: now)
    }

    /// A workspace's name, or nil.
    public func workspaceName(_ id: String) async throws -> String? {
        try await store.workspace(id: id)?.name
    }

    /// Ends the session of this token.
    public func signOut(token: String) async throws {
        try await store.deleteWebSession(tokenHash: SecretToken.hash(token))
    }

    private static func newSessionToken() -> String { "sbs_" + SecretToken.make(bytes: 32) }

    private static func session(_ token: String, workspaceID: String, role: APIKeyRole, apiKeyID: String?, now: Date) -> WebSession {
        WebSession(
            tokenHash: SecretToken.hash(token),
            workspaceId: workspaceID,
            role: role,
            apiKeyId: apiKeyID,
            createdAt: Timestamp.milliseconds(now),
            expiresAt: Timestamp.milliseconds(now.addingTimeInterval(sessionLifetime))
        )
    }
}
