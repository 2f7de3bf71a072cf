/// A HubSpot integration's settings: where registrants go and which of their fields fill which properties.
public struct HubSpotSettings: Codable, Sendable, Equatable {
    /// The manual list registrants are added to (optional).
    public var listID: String?
    /// The list's name when it was chosen, to name it in messages after it is deleted.
    public var listName: String?
    /// A second list for registrants who attended (optional).
    public var attendedListID: String?
    /// HubSpot contact property → registrant field (`first_name`, `last_name`, `custom_fields.<key>`).
    public var properties: [String: String]
    /// Whether non-empty first and last names in HubSpot may be overwritten.
    public var overwriteNames: Bool

    public init(
        listID: String? = nil,
        listName: String? = nil,
        attendedListID: String? = nil,
        properties: [String: String] = [:],
        overwriteNames: Bool = false
    ) {
        self.listID = listID
        self.attendedListID = attendedListID
        self.listName = listName
        self.properties = properties
        self.overwriteNames = overwriteNames
    }

    enum CodingKeys: String, CodingKey {
        case properties
        case listID = "list_id"
        case listName = "list_name"
        case attendedListID = "attended_list_id"
        case overwriteNames = "overwrite_names"
    }
}
