import SwitchboardDomain

/// JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of what a provider's integrations take: its settings and its
/// credentials. The OpenAPI document is made from them; each provider's own reader (`settings(from:)`) stays the
/// authority that refuses a request, and its schema says no more and no less than that reader accepts.
public enum ProviderSchemas {
    public static let string: JSONValue = ["type": "string"]
    public static let nonEmpty: JSONValue = ["type": "string", "minLength": 1]
    public static let boolean: JSONValue = ["type": "boolean"]

    /// A registrant field a mapping may name (`SettingsReader.isRegistrantField`).
    public static let registrantField: JSONValue = [
        "type": "string", "pattern": "^(email|first_name|last_name|company|custom_fields\\..+)$",
    ]

    /// An object of `properties`; `required` ones; `closed` refuses other members.
    public static func object(_ properties: [String: JSONValue], required: [String] = [], closed: Bool = true) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required.map(JSONValue.string)) }
        if closed { schema["additionalProperties"] = false }
        return .object(schema)
    }

    /// A map of provider field → registrant field.
    public static func fieldMapping(_ description: String) -> JSONValue {
        ["type": "object", "description": .string(description), "additionalProperties": registrantField]
    }

    /// One of `values`.
    public static func enumeration(_ values: [String]) -> JSONValue {
        ["type": "string", "enum": .array(values.map(JSONValue.string))]
    }

    /// The same schema with nothing required: a change names only what it changes.
    public static func partial(_ schema: JSONValue) -> JSONValue {
        guard case .object(var members) = schema else { return schema }
        members["required"] = nil
        return .object(members)
    }
}
