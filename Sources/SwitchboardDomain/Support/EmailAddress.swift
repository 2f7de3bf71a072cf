/// A deliberately simple email check: one `@`, a dot in the domain, no spaces.
public enum EmailAddress {
    /// Whether the text looks like an address a CRM would accept.
    public static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else { return false }
        return !text.contains(where: \.isWhitespace) && text.count <= 254
    }

    /// Whether Switchboard's mailer can send to the address: valid, and written verbatim into SMTP commands and
    /// headers, so without controls or the characters that could end an address or a line there. Addresses that
    /// receive notifications are checked with this when they are saved, so none can stop a workspace's email.
    public static func isMailbox(_ text: String) -> Bool {
        isValid(text) && text.unicodeScalars.allSatisfy { $0.value > 32 && $0.value != 127 && !"<>(),;:\\\"[]".unicodeScalars.contains($0) }
    }
}
