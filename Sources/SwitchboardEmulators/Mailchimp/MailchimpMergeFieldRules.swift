import Foundation
import SwitchboardProviders

/// How Mailchimp checks a member's merge fields when it adds or updates one (`PUT …/members/{hash}`, batch
/// subscribe): each value must suit its field's type, and a new member needs every required field. The errors
/// are Mailchimp's ("Your merge fields were invalid." with `errors: [{field, message}]`; the messages as the API
/// returns them). The value forms are those Mailchimp accepts whatever an audience displays: a number, a date as
/// `YYYY-MM-DD`, a birthday as `MM/DD`, an address as an object with `addr1`, `city`, `state` and `zip`
/// (https://mailchimp.com/developer/marketing/docs/merge-fields/#add-merge-data-to-contacts,
/// https://mailchimp.com/developer/marketing/api/list-members/add-or-update-list-member/).
enum MailchimpMergeFieldRules {
    /// The problems with `values` for a member of `audience`; `existing` are the member's current fields, nil for
    /// a new member. Unknown tags are refused as well (the emulator is stricter there than Mailchimp, which
    /// drops them: Switchboard refuses such a mapping when it is saved).
    static func errors(_ values: [String: Any], in audience: MailchimpEmulatorState.Audience, existing: [String: String]?) -> [[String: String]] {
        var errors: [[String: String]] = []
        for (tag, value) in values.sorted(by: { $0.key < $1.key }) {
            guard audience.mergeFields[tag] != nil else {
                errors.append(["field": tag, "message": "Merge field \(tag) does not exist"])
                continue
            }
            if let message = problem(value, type: audience.fieldTypes[tag] ?? "text") { errors.append(["field": tag, "message": message]) }
        }
        for tag in audience.requiredFields.sorted() {
            let given = values[tag].map(text) ?? existing?[tag] ?? ""
            if given.trimmingCharacters(in: .whitespaces).isEmpty { errors.append(["field": tag, "message": "Please enter a value"]) }
        }
        return errors
    }

    /// The stored form of accepted values.
    static func stored(_ values: [String: Any]) -> [String: String] {
        values.mapValues(text)
    }

    private static func problem(_ value: Any, type: String) -> String? {
        switch type {
        case "number":
            // JSON true and false arrive as NSNumbers too, of the C type `c`.
            if let number = value as? NSNumber, String(cString: number.objCType) != "c" { return nil }
            if let string = value as? String, string.isEmpty || Double(string) != nil { return nil }
            return "Please enter a number"
        case "date":
            guard let string = value as? String, string.isEmpty || string.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil else {
                return "Please enter the date"
            }
            return nil
        case "birthday":
            guard let string = value as? String, string.isEmpty || string.wholeMatch(of: /(0[1-9]|1[0-2])\/(0[1-9]|[12]\d|3[01])/) != nil
            else { return "Please enter a month (01-12) and a day (01-31)" }
            return nil
        case "address":
            if let string = value as? String, string.isEmpty { return nil }
            guard let address = value as? [String: Any], ["addr1", "city", "state", "zip"].allSatisfy({ (address[$0] as? String)?.isEmpty == false })
            else { return "Please enter a complete address" }
            return nil
        default:
            return value is String || value is NSNumber ? nil : "Please enter a value"
        }
    }

    private static func text(_ value: Any) -> String {
        if let string = value as? String { return string }
        if let address = value as? [String: Any] {
            return ["addr1", "addr2", "city", "state", "zip", "country"].compactMap { address[$0] as? String }.joined(separator: "  ")
        }
        return "\(value)"
    }
}
