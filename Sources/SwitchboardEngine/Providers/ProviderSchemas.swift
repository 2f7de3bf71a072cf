import SwitchboardDomain

/// JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of what a provider's integrations take: its settings and its
/// credentials. The OpenAPI document is made from them; each provider's own reader (`settings(from:)`) stays the
/// authority that refuses a request, and its schema says no more and no less than that reader accepts.
public enum ProviderSchemas {
    public static let string: JSONValue = ["type": "string"]
    public static let nonEmpty: JSONValue = ["type": "string", "minLength": 1]
    public static let boolean: JSONValue = ["type": "boolean"]
    /// A text setting as the providers' readers take it: up to 500 characters, not blank, or a whole number (an id
    /// sent as a JSON number).
    public static let setting: JSONValue = [
        "anyOf": [["type": "string", "minLength": 1, "maxLength": 500, "pattern": "\\S"], ["type": "integer"]]
    ]
    /// A tag or other short label: 1 to 100 characters.
    public static let label: JSONValue = ["type": "string", "minLength": 1, "maxLength": 100]

    /// A registrant field a mapping may name (`SettingsReader.isRegistrantField`).
    public static let registrantField: JSONValue = [
        "type": "string", "pattern": "^(email|first_name|last_name|company|custom_fields\\..+)$",
    ]

    /// An object of `properties`; `required` ones; `closed` refuses other members. A member that may be left out may
    /// also be null: every reader takes null as "not given" (and a change's null as "remove it").
    public static func object(_ properties: [String: JSONValue], required: [String] = [], closed: Bool = true) -> JSONValue {
        let properties = properties.reduce(into: [String: JSONValue]()) { result, member in
            result[member.key] = required.contains(member.key) ? member.value : nullable(member.value)
        }
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

    /// A choice of one or more of `values`, each at most once (events, notification types).
    public static func selection(_ values: [String]) -> JSONValue {
        ["type": "array", "minItems": 1, "uniqueItems": true, "items": enumeration(values)]
    }

    /// The same schema with nothing required: a change names only what it changes, and null removes a member.
    public static func partial(_ schema: JSONValue) -> JSONValue {
        guard case .object(var members) = schema else { return schema }
        members["required"] = nil
        if case .object(let properties)? = members["properties"] { members["properties"] = .object(properties.mapValues(nullable)) }
        return .object(members)
    }

    /// The schema, or null.
    public static func nullable(_ schema: JSONValue) -> JSONValue {
        guard case .object(var members) = schema else { return schema }
        switch members["type"] {
        case .string(let type)?:
            members["type"] = [.string(type), "null"]
        case .array(let types)? where !types.contains("null"):
            members["type"] = .array(types + ["null"])
        case .array?:
            return schema
        default:
            if members["anyOf"]?.arrayContainsNull == true { return schema }
            return ["anyOf": [schema, ["type": "null"]]]
        }
        if case .array(let values)? = members["enum"], !values.contains(.null) { members["enum"] = .array(values + [.null]) }
        return .object(members)
    }
}

extension JSONValue {
    /// Whether this is an array with a `{"type": "null"}` member.
    fileprivate var arrayContainsNull: Bool {
        guard case .array(let items) = self else { return false }
        return items.contains(["type": "null"])
    }
}
