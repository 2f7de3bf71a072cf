import SwitchboardDomain
import SwitchboardStore

extension Integration {
    /// What this integration's sealed credentials are bound to: they open in this row only.
    var credentialsBinding: SecretBox.Binding {
        SecretBox.Binding(workspaceID: workspaceId, integrationID: id, field: "credentials")
    }

    /// What this integration's signing secrets, current and previous, are bound to.
    var signingSecretBinding: SecretBox.Binding {
        SecretBox.Binding(workspaceID: workspaceId, integrationID: id, field: "signing_secret")
    }
}
