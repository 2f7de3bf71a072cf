/// A deliberately simple email check: one `@`, a dot in the domain, no spaces.
public enum EmailAddress {
    /// Whether the text looks like an address a CRM would accept.
    public static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else { return false }
        return !text.contains(where: \.isWhitespace) && text.count <= 254
    }
}
