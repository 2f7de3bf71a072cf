/// The emulator's lists endpoints (v3 lists of contacts, manual processing).
enum HubSpotLists {
    /// `POST /crm/v3/lists/search` with `{"query": "..."}`: lists whose name contains the query.
    static func search(_ body: Any?, in portal: HubSpotEmulatorState.Portal) -> HubSpotReply {
        let query = ((body as? [String: Any])?["query"] as? String ?? "").lowercased()
        let lists = portal.lists.values.filter { !$0.deleted && (query.isEmpty || $0.name.lowercased().contains(query)) }
            .sorted { $0.listId < $1.listId }
        return .ok(["lists": lists.map(json), "hasMore": false, "offset": lists.count, "total": lists.count])
    }

    /// `GET /crm/v3/lists/{listId}`.
    static func get(_ listID: String, in portal: HubSpotEmulatorState.Portal) -> HubSpotReply {
        guard let list = portal.lists[listID], !list.deleted else { return .notFound("List does not exist with ID \(listID).") }
        return .ok(["list": json(list)])
    }

    /// `PUT /crm/v3/lists/{listId}/memberships/add` with an array of record ids. Missing records are reported,
    /// existing members ignored; note HubSpot's own spelling `recordsIdsAdded`.
    static func add(_ body: Any?, to listID: String, in portal: inout HubSpotEmulatorState.Portal) -> HubSpotReply {
        guard let list = portal.lists[listID], !list.deleted else { return .notFound("List does not exist with ID \(listID).") }
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
        ["listId": list.listId, "name": list.name, "processingType": "MANUAL", "objectTypeId": "0-1", "size": list.members.count]
    }
}
