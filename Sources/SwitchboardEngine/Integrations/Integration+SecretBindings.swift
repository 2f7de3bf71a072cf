import SwitchboardDomain
import SwitchboardStore

/// The one place that names what an integration's sealed values are bound to.
extension SecretBox.Binding {
    /// An integration's credentials: they open in its row only.
    static func credentials(workspaceID: String, integrationID: String) -> Self {
        Self(workspaceID: workspaceID, integrationID: integrationID, field: "credentials")
    }

    /// An integration's signing secrets, current and previous alike, so that a rotation may move the current one.
    static func signingSecrets(workspaceID: String, integrationID: String) -> Self {
        Self(workspaceID: workspaceID, integrationID: integrationID, field: "signing_secret")
    }
}

extension Integration {
    /// What this integration's sealed credentials are bound to.
    var credentialsBinding: SecretBox.Binding { .credentials(workspaceID: workspaceId, integrationID: id) }

    /// What this integration's signing secrets are bound to.
    var signingSecretBinding: SecretBox.Binding { .signingSecrets(workspaceID: workspaceId, integrationID: id) }
}
