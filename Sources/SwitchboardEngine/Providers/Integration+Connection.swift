import Foundation
import SwitchboardDomain
import SwitchboardStore

extension Integration {
    /// The provider connection of a contact-sync integration: its credentials opened from the secret box.
    func connection(opening box: SecretBox, budget: RequestBudget, memory: ProviderMemory?) throws -> ProviderConnection {
        ProviderConnection(
            integrationID: id,
            credentials: try openCredentials(box),
            settings: try JSONValue(json: settings.utf8),
            budget: budget,
            memory: memory
        )
    }

    /// The credential fields, opened; empty when the integration has none.
    func openCredentials(_ box: SecretBox) throws -> [String: String] {
        guard let sealed = credentials else { return [:] }
        return try JSONDecoder().decode([String: String].self, from: Data(try box.open(sealed, for: credentialsBinding).utf8))
    }

    /// Credential fields sealed for this integration's `credentials` column.
    func sealedCredentials(_ fields: [String: String], with box: SecretBox) -> String {
        box.seal(JSONColumn.text(fields, fallback: "{}"), for: credentialsBinding)
    }
}
