import SwitchboardProviders

/// The emulator's batch endpoints: batch subscribe (`POST /3.0/lists/{list_id}`, up to 500 members) and tags as
/// static segments (list, create, batch add or remove members).
enum MailchimpBatches {
    static let maximumMembers = 500
    static let statuses: Set<String> = ["subscribed", "unsubscribed", "cleaned", "pending", "transactional"]

    /// `POST /3.0/lists/{list_id}`: adds new members; existing ones are updated only with `update_existing`,
    /// and otherwise reported as `ERROR_CONTACT_EXISTS`. Member problems are reported per member; the call
    /// itself succeeds.
    static func subscribe(_ body: Any?, list id: String, in account: inout MailchimpEmulatorState.Account) -> MailchimpReply {
        guard let audience = MailchimpAudiences.audience(id, in: account) else { return .notFound }
        guard let fields = body as? [String: Any], let members = fields["members"] as? [[String: Any]] else {
            return .error(
                status: 400,
                title: "Invalid Resource",
                detail: "The resource submitted could not be validated.",
                errors: [["field": "members", "message": "Required field missing."]]
            )
        }
        guard members.count <= maximumMembers else {
            return .error(status: 400, title: "Invalid Resource", detail: "You may only add or update \(maximumMembers) members per request.")
        }
        let updateExisting = fields["update_existing"] as? Bool ?? false
        var created: [[String: Any]] = []
        var updated: [[String: Any]] = []
        var errors: [[String: Any]] = []
        func refuse(_ email: String, _ error: String, code: String = "ERROR_GENERIC") {
            errors.append(["email_address": email, "error": error, "error_code": code])
        }
        for member in members {
            guard let email = (member["email_address"] as? String)?.lowercased(), email.contains("@") else {
                refuse(member["email_address"] as? String ?? "", "Please provide a valid email address.")
                continue
            }
            guard let status = member["status"] as? String, statuses.contains(status) else {
                refuse(email, "The member's status must be one of: \(statuses.sorted().joined(separator: ", ")).")
                continue
            }
            let values = member["merge_fields"] as? [String: Any] ?? [:]
            let hash = MailchimpSubscriber.hash(email)
            guard MailchimpMergeFieldRules.errors(values, in: audience, existing: audience.members[hash]?.mergeFields).isEmpty else {
                refuse(email, "Your merge fields were invalid.")
                continue
            }
            let merge = MailchimpMergeFieldRules.stored(values)
            if var existing = account.audiences[id]?.members[hash] {
                guard updateExisting else {
                    refuse(
                        email,
                        "\(email) is already a list member, do you want to update? please provide update_existing:true in the request body",
                        code: "ERROR_CONTACT_EXISTS"
                    )
                    continue
                }
                existing.status = status
                existing.mergeFields.merge(merge) { _, new in new }
                account.audiences[id]?.members[hash] = existing
                updated.append(MailchimpAudiences.memberJSON(existing, list: id))
            } else {
                let new = MailchimpEmulatorState.Member(email: email, status: status, mergeFields: merge, tags: [])
                account.audiences[id]?.members[hash] = new
                created.append(MailchimpAudiences.memberJSON(new, list: id))
            }
        }
        return .ok([
            "new_members": created, "updated_members": updated, "errors": errors, "total_created": created.count,
            "total_updated": updated.count, "error_count": errors.count,
        ])
    }

    /// `GET /3.0/lists/{list_id}/segments`: the audience's segments; only tags (static segments) exist here.
    /// A page: `count` (10 unless given, at most 1000) from `offset`, with `total_items`.
    static func segments(_ id: String, type: String?, count: Int?, offset: Int?, in account: MailchimpEmulatorState.Account) -> MailchimpReply {
        guard let audience = MailchimpAudiences.audience(id, in: account) else { return .notFound }
        let count = count ?? 10
        guard (1...1000).contains(count), (offset ?? 0) >= 0 else {
            return .error(status: 400, title: "Invalid Resource", detail: "count must be 1 to 1000 and offset at least 0.")
        }
        let segments =
            (type == nil || type == "static") ? audience.tagIDs.sorted { $0.value < $1.value }.map { segmentJSON($0.key, $0.value, audience) } : []
        return .ok(["segments": Array(segments.dropFirst(offset ?? 0).prefix(count)), "list_id": id, "total_items": segments.count])
    }

    /// `POST /3.0/lists/{list_id}/segments` with `name` and `static_segment` (emails): creates a tag.
    static func createSegment(_ body: Any?, list id: String, in account: inout MailchimpEmulatorState.Account) -> MailchimpReply {
        guard let audience = MailchimpAudiences.audience(id, in: account) else { return .notFound }
        guard let fields = body as? [String: Any], let name = fields["name"] as? String, !name.isEmpty,
            let emails = fields["static_segment"] as? [String]
        else {
            return .error(status: 400, title: "Invalid Resource", detail: "A static segment needs a name and a static_segment array.")
        }
        guard audience.tagIDs[name] == nil else { return .error(status: 400, title: "Invalid Resource", detail: "Sorry, that tag already exists.") }
        let segmentID = ensureTag(name, list: id, in: &account)
        // Emails that are not in the audience are ignored, as Mailchimp documents.
        for email in emails { account.audiences[id]?.members[MailchimpSubscriber.hash(email.lowercased())]?.tags.insert(name) }
        return .ok(segmentJSON(name, segmentID, account.audiences[id] ?? audience))
    }

    /// `POST /3.0/lists/{list_id}/segments/{segment_id}`: batch add or remove members of a tag (up to 500 each);
    /// emails that are not in the audience come back as errors.
    static func changeSegment(_ body: Any?, list id: String, segment: String, in account: inout MailchimpEmulatorState.Account) -> MailchimpReply {
        guard let audience = MailchimpAudiences.audience(id, in: account),
            let name = audience.tagIDs.first(where: { String($0.value) == segment })?.key
        else { return .notFound }
        let fields = body as? [String: Any] ?? [:]
        let adding = (fields["members_to_add"] as? [String] ?? []).map { $0.lowercased() }
        let removing = (fields["members_to_remove"] as? [String] ?? []).map { $0.lowercased() }
        guard adding.count <= maximumMembers, removing.count <= maximumMembers else {
            return .error(status: 400, title: "Invalid Resource", detail: "You may only add or remove \(maximumMembers) members per request.")
        }
        var added: [[String: Any]] = []
        var removed: [[String: Any]] = []
        var missing: [String] = []
        for (emails, add) in [(adding, true), (removing, false)] {
            for email in emails {
                let hash = MailchimpSubscriber.hash(email)
                guard var member = account.audiences[id]?.members[hash] else {
                    missing.append(email)
                    continue
                }
                if add { member.tags.insert(name) } else { member.tags.remove(name) }
                account.audiences[id]?.members[hash] = member
                if add {
                    added.append(MailchimpAudiences.memberJSON(member, list: id))
                } else {
                    removed.append(MailchimpAudiences.memberJSON(member, list: id))
                }
            }
        }
        let errors: [[String: Any]] =
            missing.isEmpty ? [] : [["email_addresses": missing, "error": "Email addresses are not subscribed to the list"]]
        return .ok([
            "members_added": added, "members_removed": removed, "errors": errors, "total_added": added.count,
            "total_removed": removed.count, "error_count": missing.count,
        ])
    }

    /// The id of a tag, created when the audience does not have it yet.
    @discardableResult
    static func ensureTag(_ name: String, list id: String, in account: inout MailchimpEmulatorState.Account) -> Int {
        if let existing = account.audiences[id]?.tagIDs[name] { return existing }
        let segmentID = account.nextSegmentID
        account.nextSegmentID += 1
        account.audiences[id]?.tagIDs[name] = segmentID
        return segmentID
    }

    static func segmentJSON(_ name: String, _ segmentID: Int, _ audience: MailchimpEmulatorState.Audience) -> [String: Any] {
        [
            "id": segmentID, "name": name, "type": "static", "list_id": audience.id,
            "member_count": audience.members.values.filter { $0.tags.contains(name) }.count,
        ]
    }
}
