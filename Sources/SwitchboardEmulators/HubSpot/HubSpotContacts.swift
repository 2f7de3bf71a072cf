import Foundation
import SwitchboardProviders

/// The emulator's contacts endpoints: batch upsert by email, and the contact property definitions.
enum HubSpotContacts {
    static let maximumBatch = 100

    /// `POST …/objects/contacts/batch/upsert` with `{"inputs": [{"idProperty": "email", "id", "objectWriteTraceId"?,
    /// "properties"}]}`. Inputs are checked one by one (a valid email, properties that exist and can be written,
    /// numbers for number properties). When every input carries an `objectWriteTraceId`, the valid ones are
    /// written and the answer is 207 with an error per refused input naming its trace id in
    /// `context.objectWriteTraceId`; otherwise one invalid input refuses the batch whole with 400
    /// (https://developers.hubspot.com/docs/api-reference/error-handling#multi-status-errors).
    static func batchUpsert(_ body: Any?, in portal: inout HubSpotEmulatorState.Portal) -> HubSpotReply {
        guard let inputs = (body as? [String: Any])?["inputs"] as? [[String: Any]] else {
            return .invalid("Invalid input JSON on line 1: the request body must be an object with an inputs array")
        }
        guard !inputs.isEmpty else { return .invalid("Batch input must not be empty") }
        guard inputs.count <= maximumBatch else { return .invalid("Batch input size \(inputs.count) exceeds the limit of \(maximumBatch)") }
        var seen: Set<String> = []
        for input in inputs {
            guard let id = (input["id"] as? String)?.lowercased() else { continue }
            guard seen.insert(id).inserted else { return .invalid("Duplicate IDs found in batch input: [\(id)]. IDs must be unique") }
        }
        let traced = inputs.allSatisfy { $0["objectWriteTraceId"] is String } && !portal.refusesBatchesWhole
        var rows: [(email: String, properties: [String: String], trace: String?)] = []
        var errors: [[String: Any]] = []
        for input in inputs {
            let problems = Self.problems(input, in: portal)
            guard problems.isEmpty else {
                guard traced, let trace = input["objectWriteTraceId"] as? String else { return .invalidProperties(problems) }
                errors.append(HubSpotReply.propertyError(problems, context: ["objectWriteTraceId": [trace]]))
                continue
            }
            let properties = (input["properties"] as? [String: Any] ?? [:]).mapValues { "\($0)" }
            rows.append(((input["id"] as? String ?? "").lowercased(), properties, input["objectWriteTraceId"] as? String))
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
            var result: [String: Any] = [
                "id": id, "properties": contact.properties, "createdAt": iso(contact.createdAt), "updatedAt": iso(now), "archived": false,
                "new": created,
            ]
            if let trace = row.trace { result["objectWriteTraceId"] = trace }
            results.append(result)
        }
        var answer: [String: Any] = ["status": "COMPLETE", "results": results, "startedAt": iso(now), "completedAt": iso(Date())]
        guard !errors.isEmpty else { return .ok(answer) }
        answer["numErrors"] = errors.count
        answer["errors"] = errors
        return .multiStatus(answer)
    }

    /// What HubSpot refuses about one input, as its per-property validation results (`isValid`, `message`,
    /// `error`, `name`).
    static func problems(_ input: [String: Any], in portal: HubSpotEmulatorState.Portal) -> [[String: Any]] {
        var problems: [[String: Any]] = []
        let email = input["id"] as? String ?? ""
        if input["idProperty"] as? String != "email" || email.wholeMatch(of: /[^@\s]+@[^@\s]+\.[^@\s]+/) == nil {
            problems.append(["isValid": false, "message": "Email address \(email) is invalid", "error": "INVALID_EMAIL", "name": "email"])
        }
        for (name, value) in (input["properties"] as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let property = portal.properties[name] else {
                problems.append(["isValid": false, "message": "Property \"\(name)\" does not exist", "error": "PROPERTY_DOESNT_EXIST", "name": name])
                continue
            }
            if property.readOnly || property.calculated {
                problems.append([
                    "isValid": false, "message": "\"\(name)\" is a read-only property; its value cannot be set.", "error": "READ_ONLY_VALUE",
                    "name": name,
                ])
            } else if property.type == "number", Double("\(value)") == nil {
                problems.append(["isValid": false, "message": "\(value) was not a valid number.", "error": "INVALID_LONG", "name": name])
            }
        }
        return problems
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

    /// A property definition, with `modificationMetadata.readOnlyValue` and `calculated`
    /// (https://developers.hubspot.com/docs/api-reference/latest/crm/properties/guide).
    static func json(_ property: HubSpotEmulatorState.Property) -> [String: Any] {
        [
            "name": property.name, "label": property.label, "type": property.type, "fieldType": property.type == "number" ? "number" : "text",
            "groupName": "contactinformation", "calculated": property.calculated, "hidden": false,
            "modificationMetadata": ["archivable": true, "readOnlyDefinition": property.readOnly, "readOnlyValue": property.readOnly],
        ]
    }

    static func iso(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(.colon)) + "Z"
    }
}
