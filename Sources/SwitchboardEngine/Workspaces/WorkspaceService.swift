import Foundation
import SwitchboardDomain
import SwitchboardStore

/// A workspace's own things a manager changes: API keys, notifications read, jobs cancelled. The rules live here;
/// the store saves what they decide.
public struct WorkspaceService: Sendable {
    let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// Creates an API key; its plaintext is returned once. Only manager keys carry an email (they receive
    /// notifications), and it must be one the mailer can send to.
    public func createAPIKey(
        workspaceID: String,
        role: APIKeyRole,
        label: String,
        email: String?
    ) async throws -> (key: APIKey, plaintext: String) {
        var errors: [FieldError] = []
        if let email, !EmailAddress.isMailbox(email) { errors.append(FieldError(field: "email", message: "must be an email address")) }
        if email != nil, role == .member {
            errors.append(FieldError(field: "email", message: "only manager keys receive notifications; leave it out for member keys"))
        }
        guard errors.isEmpty else { throw IntegrationError.invalid(errors) }
        let (key, plaintext) = try await store.createAPIKey(workspaceID: workspaceID, role: role, label: label, email: email)
        return (key, plaintext)
    }

    /// Revokes a key; the workspace's last manager key stays (`lastManager`).
    public func revokeAPIKey(workspaceID: String, id: String) async throws -> KeyRevocation {
        try await store.revokeAPIKey(workspaceID: workspaceID, id: id)
    }

    /// Marks a notification read; nil when the workspace has no such notification.
    public func markNotificationRead(workspaceID: String, id: String) async throws -> SwitchboardStore.Notification? {
        try await store.markNotificationRead(workspaceID: workspaceID, id: id)
    }

    /// Cancels a job; nil when the workspace has no such job.
    public func cancelJob(workspaceID: String, id: String) async throws -> Job? {
        try await store.cancelJob(workspaceID: workspaceID, id: id)
    }
}
