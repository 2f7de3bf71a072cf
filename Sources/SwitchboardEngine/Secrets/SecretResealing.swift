import SwitchboardDomain
import SwitchboardStore

/// Brings every sealed value in the store to the current form: bound to its integration (`SecretBox.Binding`) and
/// sealed under the current key. Every process runs it at start-up, before it opens any value, and
/// `switchboard secrets rotate-key` runs it to move everything from `SWITCHBOARD_SECRET_KEY_PREVIOUS` to the new key.
/// Idempotent, and safe beside other processes doing the same: a row is written only where it still holds what was
/// read.
public struct SecretResealing: Sendable {
    /// What a pass did.
    public struct Report: Sendable, Equatable {
        /// Values sealed again (an older form, or a previous key).
        public var resealed = 0
        /// Values already in the current form.
        public var current = 0
        /// Integrations with a value that no configured key opens (or that was moved from another row).
        public var unreadable: [String] = []
    }

    let store: Store
    let secrets: SecretBox

    public init(store: Store, secrets: SecretBox) {
        self.store = store
        self.secrets = secrets
    }

    /// One pass over every integration with sealed values.
    public func run() async throws -> Report {
        var report = Report()
        var after: String?
        while true {
            let page = try await store.sealedValues(after: after, limit: 500)
            for old in page {
                var new = old
                var readable = true
                let credentials = SecretBox.Binding.credentials(workspaceID: old.workspaceID, integrationID: old.integrationID)
                let signing = SecretBox.Binding.signingSecrets(workspaceID: old.workspaceID, integrationID: old.integrationID)
                for (path, binding) in [(\SealedValues.credentials, credentials), (\.signingSecret, signing), (\.previousSigningSecret, signing)] {
                    guard let sealed = old[keyPath: path] else { continue }
                    do {
                        if let resealed = try secrets.reseal(sealed, for: binding) {
                            new[keyPath: path] = resealed
                            report.resealed += 1
                        } else {
                            report.current += 1
                        }
                    } catch {
                        readable = false
                    }
                }
                if !readable { report.unreadable.append(old.integrationID) }
                // A row that changed meanwhile was written by a process with the current key: it is current already.
                if new != old { _ = try await store.replaceSealedValues(old, with: new) }
            }
            guard page.count == 500, let last = page.last else { return report }
            after = last.integrationID
        }
    }
}
