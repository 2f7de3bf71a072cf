import Crypto

/// Mailchimp identifies a list member by the MD5 hash of the lowercased email address.
public enum MailchimpSubscriber {
    /// The subscriber hash of `email`.
    public static func hash(_ email: String) -> String {
        Insecure.MD5.hash(data: Array(email.lowercased().utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
