import Foundation

/// The emulator's contacts endpoints: batch upsert by email, and the contact property definitions.
enum HubSpotContacts {
    static let maximumBatch = 100

    /// `POST /crm/v3/objects/contacts/batch/upsert` with `{"inputs": [{"idProperty": "email", "id", "properties"}]}`.
    static func batchUpsert(_ body: Any?, in portal: inout HubSpotEmulatorState.Portal) -> HubSpotReply {
        guard let inputs = (body as? [String: Any])?["inputs"] as? [[String: Any]] else {
            return .invalid("Invalid input JSON on line 1: the request body must be an object with an inputs array")
        }
        guard inputs.count <= maximumBatch else { return .invalid("Batch input size \(inputs.count) exceeds the limit of \(maximumBatch)") }
        var seen: Set<String> = []
        var rows: [(email: String, properties: [String: String])] = []
        for input in inputs {
            guard input["idProperty"] as? String == "email", let id = (input["id"] as? String)?.lowercased(), id.contains("@") else {
                return .invalid("Property values were not valid: idProperty must be email and id a valid email address")
            }
            guard seen.insert(id).inserted else { return .invalid("Duplicate IDs found in batch input: [\(id)]. IDs must be unique") }
            let properties = (input["properties"] as? [String: Any] ?? [:]).mapValues { "\($0)" }
            if let unknown = properties.keys.sorted().first(where: { portal.properties[$0] == nil }) {
                return .invalid("Property values were not valid: Property \"\(unknown)\" does not exist")
            }
            rows.append((id, properties))
        }
        let now = Date()
        var results: [[String: Any]] = []
        for row in rows {
            var created = false
            let id: String
            if let existing = portal.contactByEmail[row.email] {
                id = existing
            } else {
                id = String(portal.nextID)
                portal.nextID += 1
                portal.contactByEmail[row.email] = id
                portal.contacts[id] = .init(id: id, properties: ["email": row.email], createdAt: now, updatedAt: now)
                created = true
            }
            portal.contacts[id]?.properties.merge(row.properties) { _, new in new }
            portal.contacts[id]?.properties["email"] = row.email
            portal.contacts[id]?.updatedAt = now
            let contact = portal.contacts[id]!
            results.append([
                "id": id, "properties": contact.properties, "createdAt": iso(contact.createdAt), "updatedAt": iso(now), "archived": false,
                "new": created,
            ])
        }
        return .ok(["status": "COMPLETE", "results": results, "startedAt": iso(now), "completedAt": iso(Date())])
    }

    /// `POST /crm/v3/objects/contacts/batch/read` with `{"idProperty": "email", "inputs": [{"id"}], "properties": [...]}`:
    /// the contacts that exist, with the asked properties and only those, plus `hs_object_id`, `createdate` and
    /// `lastmodifieddate`, which HubSpot always returns ("Using object APIs": properties are opt-in on reads,
    /// https://developers.hubspot.com/docs/guides/crm/using-object-apis) — not `email` unless asked for, even with
    /// `idProperty: email`. Unknown emails are left out.
    static func batchRead(_ body: Any?, in portal: HubSpotEmulatorState.Portal) -> HubSpotReply {
        guard let fields = body as? [String: Any], let inputs = fields["inputs"] as? [[String: Any]] else {
            return .invalid("Invalid input JSON on line 1: the request body must be an object with an inputs array")
        }
        guard inputs.count <= maximumBatch else { return .invalid("Batch input size \(inputs.count) exceeds the limit of \(maximumBatch)") }
        guard fields["idProperty"] as? String == "email" else { return .invalid("idProperty must be email") }
        let wanted = Set(fields["properties"] as? [String] ?? [])
        let results: [[String: Any]] = inputs.compactMap { input in
            guard let email = (input["id"] as? String)?.lowercased(), let id = portal.contactByEmail[email], let contact = portal.contacts[id] else {
                return nil
            }
            let always = ["hs_object_id": id, "createdate": iso(contact.createdAt), "lastmodifieddate": iso(contact.updatedAt)]
            return [
                "id": id, "properties": contact.properties.filter { wanted.contains($0.key) }.merging(always) { _, fixed in fixed },
                "archived": false,
            ]
        }
        return .ok(["status": "COMPLETE", "results": results])
    }

    static func json(_ property: HubSpotEmulatorState.Property) -> [String: Any] {
        ["name": property.name, "label": property.label, "type": property.type, "fieldType": "text", "groupName": "contactinformation"]
    }

    static func iso(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(.colon)) + "Z"
    }
}
