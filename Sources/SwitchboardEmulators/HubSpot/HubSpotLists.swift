import SwitchboardProviders

/// The emulator's lists endpoints (https://developers.hubspot.com/docs/guides/api/crm/lists/overview).
enum HubSpotLists {
    /// `POST …/lists/search` with `{"query", "count", "offset", "processingTypes"}`: lists whose name contains the
    /// query, `count` at a time (20 unless given, at most 500), from `offset`; `hasMore` and the next `offset` say
    /// whether another page follows.
    /// At the 2026-09 path, `offset`, `processingTypes`, `listIds` and `additionalProperties` are required
    /// (https://developers.hubspot.com/docs/api-reference/latest/crm/lists/lists/search-lists); an empty `listIds`
    /// or `processingTypes` filters nothing.
    static func search(_ body: Any?, versioned: Bool, in portal: HubSpotEmulatorState.Portal) -> HubSpotReply {
        let fields = body as? [String: Any] ?? [:]
        let required = ["offset", "processingTypes", "listIds", "additionalProperties"]
        if versioned, required.contains(where: { fields[$0] == nil }) {
            return .invalid("Some required fields were not set: [\(required.filter { fields[$0] == nil }.joined(separator: ", "))]")
        }
        let ids = Set((fields["listIds"] as? [Any] ?? []).map { "\($0)" })
        let objectType = fields["objectTypeId"] as? String
        let query = (fields["query"] as? String ?? "").lowercased()
        let count = fields["count"] as? Int ?? 20
        let offset = fields["offset"] as? Int ?? 0
        guard (1...500).contains(count), offset >= 0 else { return .invalid("count must be between 1 and 500, and offset at least 0") }
        let types = fields["processingTypes"] as? [String] ?? []
        let lists = portal.lists.values.filter { list in
            !list.deleted && (query.isEmpty || list.name.lowercased().contains(query)) && (types.isEmpty || types.contains(list.processingType))
                && (ids.isEmpty || ids.contains(list.listId)) && (objectType == nil || objectType == list.objectTypeId)
        }
        .sorted { $0.listId < $1.listId }
        let page = Array(lists.dropFirst(offset).prefix(count))
        return .ok(["lists": page.map(json), "hasMore": offset + page.count < lists.count, "offset": offset + page.count, "total": lists.count])
    }

    /// `GET …/lists/{listId}`.
    static func get(_ listID: String, in portal: HubSpotEmulatorState.Portal) -> HubSpotReply {
        guard let list = portal.lists[listID], !list.deleted else { return .notFound("List does not exist with ID \(listID).") }
        return .ok(["list": json(list)])
    }

    /// `PUT …/lists/{listId}/memberships/add` with an array of record ids. Missing records are reported,
    /// existing members ignored; note HubSpot's own spelling `recordsIdsAdded`. Only manual and snapshot lists
    /// take members by API (the error for others is not documented: a 400 like HubSpot's other list errors).
    static func add(_ body: Any?, to listID: String, in portal: inout HubSpotEmulatorState.Portal) -> HubSpotReply {
        guard let list = portal.lists[listID], !list.deleted else { return .notFound("List does not exist with ID \(listID).") }
        guard ["MANUAL", "SNAPSHOT"].contains(list.processingType) else {
            return .error(
                status: 400,
                category: "VALIDATION_ERROR",
                message: "List \(listID) has processingType \(list.processingType); memberships can only be changed on MANUAL or SNAPSHOT lists",
                extra: ["subCategory": "ListError.INVALID_PROCESSING_TYPE"]
            )
        }
        guard let ids = (body as? [Any])?.map({ "\($0)" }) else { return .invalid("Invalid input JSON: expected an array of record ids") }
        var added: [String] = []
        var missing: [String] = []
        var members = list.members
        // A set for the membership test: lists of 100,000 contacts get calls of 10,000 ids.
        var present = Set(members)
        for id in ids {
            if portal.contacts[id] == nil {
                missing.append(id)
            } else if present.insert(id).inserted {
                members.append(id)
                added.append(id)
            }
        }
        portal.lists[listID]?.members = members
        return .ok(["recordIdsMissing": missing, "recordIdsRemoved": [String](), "recordsIdsAdded": added])
    }

    static func json(_ list: HubSpotEmulatorState.ContactList) -> [String: Any] {
        [
            "listId": list.listId, "name": list.name, "processingType": list.processingType, "objectTypeId": list.objectTypeId,
            "size": list.members.count,
        ]
    }
}
