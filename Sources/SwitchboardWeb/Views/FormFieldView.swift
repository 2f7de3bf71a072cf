/// One input of a form as the templates draw it (`field.mustache`): exactly one of the kinds is set. Templates see
/// stored properties only (swift-mustache reads values by reflection), so derived ones are set by the initialiser.
struct FormFieldView: Sendable {
    var name: String
    var label: String
    var help: String? { didSet { describedBy = Self.describedBy(id: id, help: help, error: fieldError) } }
    var required: Bool
    /// Why the submitted value was refused. (Not `error`: mustache would find the drawer's `error` when this is nil.)
    var fieldError: String?
    /// The element id of the input, from its name (`settings/url` → `f-settings-url`).
    let id: String
    /// The ids of its help and error text, for `aria-describedby`.
    var describedBy: String?
    /// A line of text (`secret`: a password input that never shows the saved value; `url`: a URL input).
    var text = false
    var secret = false
    var url = false
    var value = ""
    var placeholder: String?
    /// A choice of one (a `<select>`).
    var select: [OptionView]? { didSet { hasSelect = select != nil } }
    var hasSelect = false
    /// A choice of one or more.
    var checkboxes: [OptionView]? { didSet { hasChoices = checkboxes != nil } }
    var hasChoices = false
    /// A yes/no.
    var checkbox = false
    var checked = false
    /// Lines of `provider field = registrant field`.
    var mapping = false

    init(name: String, label: String, help: String?, required: Bool, error: String?) {
        self.name = name
        self.label = label
        self.help = help
        self.required = required
        self.fieldError = error
        self.id = "f-" + name.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
        self.describedBy = Self.describedBy(id: id, help: help, error: error)
    }

    private static func describedBy(id: String, help: String?, error: String?) -> String? {
        let ids = (help == nil ? [] : [id + "-help"]) + (error == nil ? [] : [id + "-error"])
        return ids.isEmpty ? nil : ids.joined(separator: " ")
    }
}

/// One option of a `<select>` or a group of checkboxes.
struct OptionView: Sendable {
    var value: String
    var label: String
    var selected: Bool
}
