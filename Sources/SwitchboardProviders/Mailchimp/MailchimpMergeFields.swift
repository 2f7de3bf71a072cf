import Foundation
import SwitchboardDomain
import Synchronization

/// A merge field of an audience, as `GET /lists/{list_id}/merge-fields` describes it.
public struct MailchimpMergeField: Sendable, Equatable {
    public var tag: String
    public var name: String
    /// `text`, `number`, `address`, `phone`, `date`, `url`, `imageurl`, `radio`, `dropdown`, `birthday` or `zip`.
    public var type: String
    public var required: Bool

    public init(tag: String, name: String, type: String = "text", required: Bool = false) {
        self.tag = tag
        self.name = name
        self.type = type
        self.required = required
    }
}

/// A merge value in the JSON type Mailchimp takes for its field.
public enum MailchimpMergeValue: Sendable, Equatable, ExpressibleByStringLiteral {
    case text(String)
    case number(Double)

    public init(stringLiteral text: String) {
        self = .text(text)
    }

    var json: Any {
        switch self {
        case .text(let text): text
        case .number(let number): number.rounded() == number && abs(number) < 1e15 ? Int64(number) as Any : number as Any
        }
    }
}

/// A registrant-field mapping checked against an audience's merge fields, and registrant values in the form
/// Mailchimp accepts for each type whatever the audience displays: a number as a JSON number, a date as
/// `YYYY-MM-DD`, a birthday as `MM/DD` (https://mailchimp.com/developer/marketing/docs/merge-fields/). An address
/// is an object of four required parts, which one registrant field cannot fill: such a field is not offered and a
/// mapping to it is refused.
enum MailchimpMergeMapping {
    static let unsupportedTypes: Set<String> = ["address"]

    /// What Mailchimp would refuse about `mapping` (merge tag → registrant field) in an audience with `fields`, in
    /// a manager's words; nil when it can take it.
    static func problem(_ mapping: [String: String], fields: [MailchimpMergeField], audience: String) -> String? {
        let byTag = Dictionary(fields.map { ($0.tag, $0) }) { first, _ in first }
        var problems: [String] = []
        let unknown = mapping.keys.filter { byTag[$0] == nil }.sorted()
        if !unknown.isEmpty { problems.append("the audience \(audience) has no merge field \(unknown.joined(separator: ", "))") }
        let unsupported = mapping.keys.compactMap { byTag[$0] }.filter { unsupportedTypes.contains($0.type) }.map(\.tag).sorted()
        if !unsupported.isEmpty {
            problems.append(
                "\(unsupported.joined(separator: ", ")) take an address in parts, which one registrant field cannot fill: leave them unmapped"
            )
        }
        let unfilled = fields.filter { $0.required && mapping[$0.tag] == nil }.sorted { $0.tag < $1.tag }
        if !unfilled.isEmpty {
            let names = unfilled.map { $0.name == $0.tag ? $0.tag : "\($0.tag) (\($0.name))" }.joined(separator: ", ")
            problems.append(
                "the audience \(audience) requires the merge fields \(names), which the mapping leaves empty: map registrant fields to them, or make them optional in Mailchimp"
            )
        }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    /// A registrant's value for a merge field of `type` (text when unknown), or why Mailchimp would refuse it.
    static func value(_ text: String, tag: String, type: String?) -> Result<MailchimpMergeValue, ProviderFailure> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch type {
        case "number":
            guard let number = Double(trimmed), number.isFinite else { return .failure(refusal(tag, text, "a number")) }
            return .success(.number(number))
        case "date":
            // A date, or the date part of a date and time (RFC 3339) as the registrant gave it.
            guard let match = trimmed.wholeMatch(of: /(\d{4}-\d{2}-\d{2})([T ].*)?/) else {
                return .failure(refusal(tag, text, "a date (YYYY-MM-DD)"))
            }
            return .success(.text(String(match.output.1)))
        case "birthday":
            if trimmed.wholeMatch(of: /(0[1-9]|1[0-2])\/(0[1-9]|[12]\d|3[01])/) != nil { return .success(.text(trimmed)) }
            guard let match = trimmed.prefixMatch(of: /\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])/) else {
                return .failure(refusal(tag, text, "a birthday (MM/DD or a date)"))
            }
            return .success(.text("\(match.output.1)/\(match.output.2)"))
        default:
            return .success(.text(text))
        }
    }

    private static func refusal(_ tag: String, _ text: String, _ kind: String) -> ProviderFailure {
        .invalid("the merge field \(tag) takes \(kind), and the registrant's value “\(text)” is not one")
    }
}

/// The merge field types of the audiences this process writes to, read at most every 10 minutes per audience
/// and key: members are written one call each, and their values must be typed.
final class MailchimpMergeFieldTypes: Sendable {
    private let known = Mutex<[String: (readAt: Date, types: [String: String])]>([:])
    let lifetime: TimeInterval = 600

    /// The types by tag of the audience's merge fields.
    func types(audience: String, client: MailchimpClient, now: Date = Date()) async throws(ProviderFailure) -> [String: String] {
        let key = SecretToken.hash(client.credential) + audience
        if let entry = known.withLock({ $0[key] }), now.timeIntervalSince(entry.readAt) < lifetime { return entry.types }
        return remember(try await client.mergeFields(audience: audience), audience: audience, client: client, now: now)
    }

    /// Keeps freshly read definitions (validation reads them too); returns their types.
    @discardableResult
    func remember(_ fields: [MailchimpMergeField], audience: String, client: MailchimpClient, now: Date = Date()) -> [String: String] {
        let types = Dictionary(fields.map { ($0.tag, $0.type) }) { first, _ in first }
        known.withLock { $0[SecretToken.hash(client.credential) + audience] = (now, types) }
        return types
    }
}
