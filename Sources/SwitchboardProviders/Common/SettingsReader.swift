import SwitchboardDomain
import SwitchboardEngine

/// Reads a provider's settings or credentials object field by field, collecting per-field errors
/// (`<prefix><field>`) so that one answer names everything that is wrong.
struct SettingsReader {
    let fields: [String: JSONValue]
    let prefix: String
    private(set) var errors: [FieldError] = []

    init(_ fields: [String: JSONValue], prefix: String = "settings/", allowed: Set<String>) {
        self.fields = fields
        self.prefix = prefix
        for key in fields.keys.sorted() where !allowed.contains(key) {
            errors.append(
                FieldError(
                    field: prefix + key,
                    message: "is not a setting of this provider; expected one of \(allowed.sorted().joined(separator: ", "))"
                )
            )
        }
    }

    mutating func fail(_ key: String, _ message: String) {
        errors.append(FieldError(field: prefix + key, message: message))
    }

    mutating func string(_ key: String, required: Bool = false) -> String? {
        switch fields[key] {
        case nil, .null?:
            if required { fail(key, "is required") }
            return nil
        case .string(let value)? where !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && value.count <= 500:
            return value
        case .number(let value)? where value.rounded() == value:
            return String(Int64(value))
        default:
            fail(key, "must be a non-empty string")
            return nil
        }
    }

    mutating func bool(_ key: String, default value: Bool) -> Bool {
        switch fields[key] {
        case nil, .null?: return value
        case .bool(let flag)?: return flag
        default:
            fail(key, "must be true or false")
            return value
        }
    }

    mutating func strings(_ key: String) -> [String] {
        guard let value = fields[key], value != .null else { return [] }
        guard case .array(let items) = value, let texts = Optional(items.compactMap(\.stringValue)), texts.count == items.count,
            texts.allSatisfy({ !$0.isEmpty && $0.count <= 100 })
        else {
            fail(key, "must be an array of non-empty strings")
            return []
        }
        return texts
    }

    /// A mapping of provider field → registrant field (`first_name`, `custom_fields.role`, …).
    mutating func fieldMapping(_ key: String) -> [String: String] {
        guard let value = fields[key], value != .null else { return [:] }
        guard let object = value.objectValue else {
            fail(key, "must be an object of provider field → registrant field")
            return [:]
        }
        var mapping: [String: String] = [:]
        for (target, source) in object.sorted(by: { $0.key < $1.key }) {
            guard let source = source.stringValue, Self.isRegistrantField(source) else {
                fail(
                    "\(key)/\(target)",
                    "must name a registrant field: email, first_name, last_name, company or custom_fields.<name>"
                )
                continue
            }
            mapping[target] = source
        }
        return mapping
    }

    static func isRegistrantField(_ name: String) -> Bool {
        ["email", "first_name", "last_name", "company"].contains(name) || (name.hasPrefix("custom_fields.") && name.count > "custom_fields.".count)
    }

    /// The value read, or the errors.
    func result<T>(_ value: T) -> Result<T, FieldErrors> {
        errors.isEmpty ? .success(value) : .failure(FieldErrors(errors))
    }
}
