import SwitchboardDomain

/// A provider's settings or credentials form, drawn from the JSON Schema it declares (`ProviderSchemas`), and the
/// object a submitted form makes of it. Inputs are named by the paths the API's field errors use
/// (`settings/url`, `credentials/api_key`), so an error lands beside its input.
struct SchemaForm: Sendable {
    /// Which object of the integration the form fills.
    enum Part: String, Sendable {
        case settings, credentials
    }

    let part: Part
    let schema: JSONValue

    /// The inputs of each schema member, in a stable order: required members first, then by name.
    var members: [(name: String, schema: JSONValue, required: Bool)] {
        let properties = schema["properties"]?.objectValue ?? [:]
        let required = Set(schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        return properties.map { (name: $0.key, schema: $0.value, required: required.contains($0.key)) }
            .sorted { ($0.required ? 0 : 1, $0.name) < ($1.required ? 0 : 1, $1.name) }
    }

    /// The fields to draw: `current` fills them (settings as saved; credentials are never shown, only their hints);
    /// `choices` are the provider's options by setting (a list to pick from instead of an id to type).
    func fields(
        current: [String: JSONValue],
        hints: [String: String] = [:],
        choices: [String: [ProviderResource]] = [:],
        errors: [FieldError] = []
    ) -> [FormFieldView] {
        members.map { member in
            let path = "\(part.rawValue)/\(member.name)"
            var field = FormFieldView(
                name: path,
                label: Self.words(member.name),
                help: Self.plain(member.schema)["description"]?.stringValue,
                required: member.required && hints[member.name] == nil,
                error: Self.errors(errors, at: path)
            )
            let value = current[member.name]
            let offered = choices[member.name]
            switch Kind(Self.plain(member.schema)) {
            case .choice(let values):
                field.select = values.map { OptionView(value: $0, label: Self.words($0), selected: value?.stringValue == $0) }
            case .selection(let values):
                let chosen = Set(value?.arrayValue?.compactMap(\.stringValue) ?? [])
                let names = Dictionary((offered ?? []).map { ($0.id, $0.name) }) { first, _ in first }
                field.checkboxes = values.map { OptionView(value: $0, label: names[$0] ?? $0, selected: chosen.contains($0)) }
            case .flag:
                field.checkbox = true
                field.checked = value == .bool(true)
            case .list:
                field.text = true
                field.value = value?.arrayValue?.compactMap(\.stringValue).joined(separator: ", ") ?? ""
                field.help = (field.help ?? "Separate several with commas.") + Self.available(offered)
            case .mapping:
                field.mapping = true
                field.value = (value?.objectValue ?? [:]).sorted { $0.key < $1.key }
                    .map { "\($0.key) = \($0.value.stringValue ?? "")" }.joined(separator: "\n")
                field.help =
                    (field.help.map { $0 + ". " } ?? "")
                    + "One per line: provider field = registrant field (email, first_name, last_name, company, custom_fields.…)."
                    + Self.available(offered)
            case .text where offered != nil:
                let saved = value?.stringValue ?? value?.numberValue.map { String(Int($0)) }
                var options = (offered ?? []).map { OptionView(value: $0.id, label: $0.name, selected: $0.id == saved) }
                // A saved choice the provider no longer offers stays visible, so that saving other fields keeps it.
                if let saved, !options.contains(where: { $0.selected }) {
                    options.insert(OptionView(value: saved, label: "\(saved) (no longer offered)", selected: true), at: 0)
                }
                field.select = options
            case .text(let format):
                field.text = true
                field.secret = part == .credentials
                field.url = format == "uri"
                field.value = part == .credentials ? "" : (value?.stringValue ?? value?.numberValue.map { String(Int($0)) } ?? "")
                if let hint = hints[member.name] { field.placeholder = "Saved: \(hint) — leave empty to keep it" }
            }
            return field
        }
    }

    /// The object a submitted form gives, as the API would take it. With `partial` (a change), an emptied setting
    /// becomes null (removed) and an empty credential is left out (kept).
    func object(from form: FormFields, partial: Bool) -> [String: JSONValue] {
        var object: [String: JSONValue] = [:]
        for member in members {
            let path = "\(part.rawValue)/\(member.name)"
            let text = form[path]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            switch Kind(Self.plain(member.schema)) {
            case .selection:
                // Nothing ticked: a change asks for none (refused where one is needed); a new integration leaves it to
                // the provider's default.
                let chosen = form.all(path)
                if !chosen.isEmpty || partial { object[member.name] = .array(chosen.map(JSONValue.string)) }
            case .flag:
                object[member.name] = .bool(form[path] != nil)
            case .list:
                let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                if !items.isEmpty { object[member.name] = .array(items.map(JSONValue.string)) } else if partial { object[member.name] = .null }
            case .mapping:
                var mapping: [String: JSONValue] = [:]
                // Blank lines are skipped; anything else goes to the provider as typed (an empty side included), so that
                // its reader, not this form, says what is wrong with it.
                for line in text.split(whereSeparator: \.isNewline) where !line.allSatisfy(\.isWhitespace) {
                    let sides = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                        $0.trimmingCharacters(in: .whitespaces)
                    }
                    mapping[sides[0]] = .string(sides.count > 1 ? sides[1] : "")
                }
                if !mapping.isEmpty { object[member.name] = .object(mapping) } else if partial { object[member.name] = .null }
            case .choice, .text:
                if !text.isEmpty {
                    object[member.name] = .string(text)
                } else if partial && part == .settings {
                    object[member.name] = .null
                }
            }
        }
        return object
    }

    /// The errors of a field and of its parts (`settings/merge_fields/LNAME` → "LNAME must name …"), as one sentence.
    static func errors(_ errors: [FieldError], at path: String) -> String? {
        let found = errors.compactMap { error -> String? in
            if error.field == path { return error.message }
            guard error.field.hasPrefix(path + "/") else { return nil }
            return "\(error.field.dropFirst(path.count + 1)) \(error.message)"
        }
        return found.isEmpty ? nil : found.joined(separator: "; ")
    }

    /// " Available: a, b, c." — the provider's choices for a field typed by hand, the first 30.
    private static func available(_ offered: [ProviderResource]?) -> String {
        guard let offered, !offered.isEmpty else { return "" }
        let names = offered.prefix(30).map { $0.id == $0.name ? $0.id : "\($0.id) (\($0.name))" }
        return " Available: " + names.joined(separator: ", ") + (offered.count > 30 ? ", …" : "") + "."
    }

    /// How a member is asked for.
    private enum Kind {
        case choice([String])
        case selection([String])
        case flag, list, mapping
        case text(format: String?)

        init(_ schema: JSONValue) {
            let type = schema["type"]?.stringValue
            if let values = schema["enum"]?.arrayValue?.compactMap(\.stringValue) {
                self = .choice(values)
            } else if type == "array", let values = schema["items"]?["enum"]?.arrayValue?.compactMap(\.stringValue) {
                self = .selection(values)
            } else if type == "array" {
                self = .list
            } else if type == "boolean" {
                self = .flag
            } else if type == "object" {
                self = .mapping
            } else {
                self = .text(format: schema["format"]?.stringValue)
            }
        }
    }

    /// The schema without the "or null" that optional members carry (`ProviderSchemas.nullable`).
    static func plain(_ schema: JSONValue) -> JSONValue {
        guard case .object(var members) = schema else { return schema }
        if case .array(let types)? = members["type"] { members["type"] = types.first { $0 != "null" } }
        if case .array(let options)? = members["anyOf"] {
            let rest = options.filter { $0 != ["type": "null"] }
            if rest.count == 1 { return plain(rest[0]) }
        }
        if case .array(let values)? = members["enum"] { members["enum"] = .array(values.filter { $0 != .null }) }
        return .object(members)
    }

    /// A member's name as words: `list_id` → "List ID", `api_key` → "API key".
    static func words(_ name: String) -> String {
        let acronyms = ["id": "ID", "url": "URL", "api": "API"]
        let words = name.split(separator: "_").map { acronyms[String($0)] ?? String($0) }
        guard let first = words.first else { return name }
        return ([first.prefix(1).uppercased() + first.dropFirst()] + words.dropFirst()).joined(separator: " ")
    }
}
