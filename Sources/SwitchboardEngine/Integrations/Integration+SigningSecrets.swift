import Foundation
import SwitchboardDomain
import SwitchboardStore

extension Integration {
    /// The secrets to sign with now, newest first: the current one, and the previous one during its 24 hours of grace.
    func signingSecrets(opening box: SecretBox, now: Date) throws(SecretBox.Failure) -> [SigningSecret] {
        var secrets: [SigningSecret] = []
        if let sealed = signingSecret, let secret = SigningSecret(try box.open(sealed, for: signingSecretBinding)) { secrets.append(secret) }
        if let sealed = previousSigningSecret, let until = previousSecretExpiresAt, until > Timestamp.milliseconds(now),
            let secret = SigningSecret(try box.open(sealed, for: signingSecretBinding))
        {
            secrets.append(secret)
        }
        return secrets
    }
}
