/// The scopes Switchboard asks for, and what each allows.
public enum HubSpotScopes {
    public static let contactsWrite = "crm.objects.contacts.write"
    public static let contactsRead = "crm.objects.contacts.read"
    public static let schemasRead = "crm.schemas.contacts.read"
    public static let listsRead = "crm.lists.read"
    public static let listsWrite = "crm.lists.write"
    public static let marketingEventsWrite = "crm.objects.marketing_events.write"

    public static let all: Set<String> = [contactsWrite, contactsRead, schemasRead, listsRead, listsWrite, marketingEventsWrite]

    /// Scopes HubSpot accepts in place of another: the 2026-09 lists endpoints take `crm.lists.*` or
    /// `crm.segments.*` (the specification's security section of each operation).
    static let alternatives: [String: Set<String>] = [listsRead: ["crm.segments.read"], listsWrite: ["crm.segments.write"]]

    /// Whether `scope`, or a scope HubSpot accepts in its place, is among `granted`.
    public static func granted(_ scope: String, in granted: Set<String>) -> Bool {
        granted.contains(scope) || !(alternatives[scope] ?? []).isDisjoint(with: granted)
    }
}
