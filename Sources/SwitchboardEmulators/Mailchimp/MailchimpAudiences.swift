import Foundation
import SwitchboardDomain
import SwitchboardProviders

/// The emulator's audience endpoints: audiences, merge fields, members (by subscriber hash), tags and events.
enum MailchimpAudiences {
    static func audience(_ id: String, in account: MailchimpEmulatorState.Account) -> MailchimpEmulatorState.Audience? {
        account.audiences[id].flatMap { $0.deleted ? nil : $0 }
    }

    static func json(_ audience: MailchimpEmulatorState.Audience) -> [String: Any] {
        ["id": audience.id, "name": audience.name, "stats": ["member_count": audience.members.count]]
    }

    /// `GET /3.0/lists/{list_id}/merge-fields?count=&offset=`: a page of the audience's merge fields (10 unless
    /// `count` says, at most 1000) with `total_items`
    /// (https://mailchimp.com/developer/marketing/api/list-merges/list-merge-fields/).
    static func mergeFields(_ id: String, count: Int?, offset: Int?, in account: MailchimpEmulatorState.Account) -> MailchimpReply {
        guard let audience = audience(id, in: account) else { return .notFound }
        let count = count ?? 10
        guard (1...1000).contains(count), (offset ?? 0) >= 0 else {
            return .error(status: 400, title: "Invalid Resource", detail: "count must be 1 to 1000 and offset at least 0.")
        }
        let all = audience.mergeFields.keys.sorted().enumerated().map { index, tag -> [String: Any] in
            let type = audience.fieldTypes[tag] ?? "text"
            var options: [String: Any] = [:]
            if type == "date" { options["date_format"] = "MM/DD/YYYY" }
            if type == "birthday" { options["date_format"] = "MM/DD" }
            if type == "phone" { options["phone_format"] = "none" }
            return [
                "merge_id": index + 1, "tag": tag, "name": audience.mergeFields[tag] ?? tag, "type": type,
                "required": audience.requiredFields.contains(tag), "list_id": id, "options": options,
            ]
        }
        let page = all.dropFirst(offset ?? 0).prefix(count)
        return .ok(["merge_fields": Array(page), "list_id": id, "total_items": all.count])
    }

    /// `PUT /3.0/lists/{list_id}/members/{subscriber_hash}`: adds or updates a member.
    static func upsertMember(_ body: Any?, list id: String, hash: String, in account: inout MailchimpEmulatorState.Account) -> MailchimpReply {
        guard let audience = audience(id, in: account) else { return .notFound }
        guard let fields = body as? [String: Any], let email = (fields["email_address"] as? String)?.lowercased(), email.contains("@") else {
            return .error(
                status: 400,
                title: "Invalid Resource",
                detail: "The resource submitted could not be validated.",
                errors: [["field": "email_address", "message": "This value should not be blank."]]
            )
        }
        guard MailchimpSubscriber.hash(email) == hash else {
            return .error(status: 400, title: "Invalid Resource", detail: "The subscriber hash does not match the email address.")
        }
        let values = fields["merge_fields"] as? [String: Any] ?? [:]
        let problems = MailchimpMergeFieldRules.errors(values, in: audience, existing: audience.members[hash]?.mergeFields)
        guard problems.isEmpty else {
            return .error(status: 400, title: "Invalid Resource", detail: "Your merge fields were invalid.", errors: problems)
        }
        let merge = MailchimpMergeFieldRules.stored(values)
        var member =
            audience.members[hash]
            ?? .init(email: email, status: fields["status_if_new"] as? String ?? "subscribed", mergeFields: [:], tags: [])
        if let status = fields["status"] as? String { member.status = status }
        member.mergeFields.merge(merge) { _, new in new }
        account.audiences[id]?.members[hash] = member
        return .ok(memberJSON(member, list: id))
    }

    /// `POST /3.0/lists/{list_id}/members/{subscriber_hash}/tags`: activates or removes tags; the member must exist.
    static func tag(_ body: Any?, list id: String, hash: String, in account: inout MailchimpEmulatorState.Account) -> MailchimpReply {
        guard audience(id, in: account)?.members[hash] != nil else { return .notFound }
        guard let tags = (body as? [String: Any])?["tags"] as? [[String: Any]] else {
            return .error(status: 400, title: "Invalid Resource", detail: "The resource submitted could not be validated.")
        }
        for tag in tags {
            guard let name = tag["name"] as? String else { continue }
            if tag["status"] as? String == "inactive" {
                account.audiences[id]?.members[hash]?.tags.remove(name)
            } else {
                // A tag a member gets is created in the audience when new (as a static segment).
                MailchimpBatches.ensureTag(name, list: id, in: &account)
                account.audiences[id]?.members[hash]?.tags.insert(name)
            }
        }
        return .noContent
    }

    /// `POST /3.0/lists/{list_id}/members/{subscriber_hash}/events`: records a member event. The name is 2–30
    /// letters, digits, underscores and dashes; `occurred_at` is ISO 8601 and defaults to now
    /// (https://mailchimp.com/developer/marketing/api/list-member-events/add-event/).
    static func event(_ body: Any?, list id: String, hash: String, in account: inout MailchimpEmulatorState.Account) -> MailchimpReply {
        guard audience(id, in: account)?.members[hash] != nil else { return .notFound }
        let fields = body as? [String: Any] ?? [:]
        guard let name = fields["name"] as? String, (2...30).contains(name.count), name.wholeMatch(of: /[A-Za-z0-9_-]+/) != nil else {
            return .error(status: 400, title: "Invalid Resource", detail: "Event name must be 2 to 30 letters, numbers, underscores or dashes.")
        }
        var occurredAt = Date()
        if let given = fields["occurred_at"] {
            guard let text = given as? String, let parsed = Timestamp.parse(text) else {
                return .error(
                    status: 400,
                    title: "Invalid Resource",
                    detail: "The resource submitted could not be validated.",
                    errors: [["field": "occurred_at", "message": "This value should be a valid ISO 8601 date and time."]]
                )
            }
            occurredAt = parsed
        }
        let properties = (fields["properties"] as? [String: Any] ?? [:]).mapValues { "\($0)" }
        account.audiences[id]?.members[hash]?.eventLog.append(.init(name: name, occurredAt: occurredAt, properties: properties))
        return .noContent
    }

    static func memberJSON(_ member: MailchimpEmulatorState.Member, list: String) -> [String: Any] {
        [
            "id": MailchimpSubscriber.hash(member.email), "email_address": member.email, "status": member.status, "merge_fields": member.mergeFields,
            "tags": member.tags.sorted().map { ["name": $0] }, "list_id": list,
        ]
    }
}
