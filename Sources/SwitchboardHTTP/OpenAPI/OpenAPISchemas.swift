import SwitchboardDomain
import SwitchboardEngine

/// The `components.schemas` of the OpenAPI document, as JSON values.
enum OpenAPISchemas {
    /// An object schema (the providers' helper); open unless `closed`, as request bodies are, which refuse
    /// fields they do not know.
    static func object(_ properties: [String: JSONValue], required: [String] = [], closed: Bool = false) -> JSONValue {
        ProviderSchemas.object(properties, required: required, closed: closed)
    }

    static func ref(_ name: String) -> JSONValue { .object(["$ref": .string("#/components/schemas/\(name)")]) }
    static func list(_ item: String) -> JSONValue {
        object(["data": .object(["type": "array", "items": ref(item)]), "next_cursor": .object(["type": .array(["string", "null"])])])
    }
    static let string = ProviderSchemas.string
    static let nonEmpty = ProviderSchemas.nonEmpty
    /// One line of 1 to 200 characters, not blank (`IntegrationService.labelErrors`).
    static let label: JSONValue = [
        "type": "string", "minLength": 1, "maxLength": 200, "pattern": "^(?=.*\\S)[^\\u0000-\\u001F\\u007F-\\u009F]*$",
    ]
    /// An RFC 3339 time as Switchboard reads it: years 1970–2999, an offset within ±14:59.
    static let inputTime: JSONValue = [
        "type": ["string", "null"], "format": "date-time",
        "pattern": "^(19[7-9][0-9]|2[0-9]{3})-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-](0[0-9]|1[0-4]):[0-5][0-9])$",
    ]
    static let nullableString: JSONValue = ["type": ["string", "null"]]
    static let time: JSONValue = ["type": "string", "format": "date-time"]
    static let nullableTime: JSONValue = ["type": ["string", "null"], "format": "date-time"]
    static let integer: JSONValue = ["type": "integer"]
    static let nullableInteger: JSONValue = ["type": ["integer", "null"]]
    static func enumeration(_ values: [String], nullable: Bool = false) -> JSONValue {
        .object(["type": nullable ? ["string", "null"] : "string", "enum": .array(values.map(JSONValue.string) + (nullable ? [.null] : []))])
    }

    static func all(catalogue: ProviderCatalogue) -> [String: JSONValue] {
        let events = OutboundEventType.allCases.map(\.rawValue)
        // Each provider's settings and credentials, as the provider declares them.
        let providers = catalogue.providerList
        // The notification types of every provider that sends tests (a webhook's test takes none).
        var testTypes: [String] = []
        for provider in providers.compactMap({ $0 as? any SendsTests }) { testTypes += provider.testTypes.filter { !testTypes.contains($0) } }
        let settingsSchemas = providers.map(\.settingsSchema)
        let changedSettings: JSONValue = .object(["anyOf": .array(settingsSchemas.map(ProviderSchemas.partial) + [["type": "null"]])])
        let credentialSchemas = providers.compactMap(\.credentialsSchema)
        let changedCredentials: JSONValue = .object(["anyOf": .array(credentialSchemas + [["type": "null"]])])
        let creations: [JSONValue] = providers.map { provider in
            var properties: [String: JSONValue] = [
                "provider": ["const": .string(provider.description.provider)], "label": label, "settings": provider.settingsSchema,
            ]
            var required = ["provider"]
            // What may be left out may also be null (the server reads null as not given).
            if case .array(let fields)? = provider.settingsSchema["required"], !fields.isEmpty {
                required.append("settings")
            } else {
                properties["settings"] = .object(["anyOf": [provider.settingsSchema, ["type": "null"]]])
            }
            if let credentials = provider.credentialsSchema {
                // Without the operator's OAuth app for it, a provider's credentials are the only way to connect.
                if provider.configuredOAuth == nil {
                    properties["credentials"] = credentials
                    required.append("credentials")
                } else {
                    properties["credentials"] = .object(["anyOf": [credentials, ["type": "null"]]])
                }
            }
            return object(properties, required: required, closed: true)
        }
        let broadcast = object(["id": nonEmpty, "title": nullableString, "starts_at": inputTime, "ended_at": inputTime], required: ["id"])
        let registrant = object(
            [
                "email": ["type": "string", "pattern": "^[^@\\s]+@[^@\\s.][^@\\s]*\\.[^@\\s.]+$", "maxLength": 254], "first_name": nullableString,
                "last_name": nullableString, "company": nullableString,
                "custom_fields": ["type": ["object", "null"], "additionalProperties": ["type": ["string", "number", "boolean", "null"]]],
            ],
            required: ["email"]
        )
        func event(_ type: InboundEventType, data: JSONValue) -> JSONValue {
            object(
                [
                    "type": .object(["const": .string(type.rawValue)]),
                    "idempotency_key": ["type": ["string", "null"], "minLength": 1, "maxLength": 255], "occurred_at": inputTime, "data": data,
                ],
                required: ["type", "data"]
            )
        }
        return [
            "Problem": object(
                [
                    "type": string, "title": string, "status": integer, "detail": string, "code": string,
                    "errors": .object(["type": "array", "items": object(["field": string, "message": string])]),
                ],
                required: ["type", "title", "status", "detail", "code"]
            ),
            "Health": object(["status": string, "detail": nullableString]),
            "Provider": object(
                [
                    "provider": string, "category": string, "display_name": string,
                    "credentials": ["type": "array", "items": ["type": "string"]], "settings": ["type": "array", "items": ["type": "string"]],
                    "events": ["type": "array", "items": ["type": "string"]], "notification_types": ["type": "array", "items": ["type": "string"]],
                ]),
            "ProviderList": list("Provider"),
            // One schema per provider: its settings (and credentials) with the provider named.
            "IntegrationCreate": .object(["oneOf": .array(creations)]),
            "IntegrationUpdate": object(
                [
                    "label": .object(["anyOf": [label, ["type": "null"]]]), "settings": changedSettings, "credentials": changedCredentials,
                ],
                closed: true
            ),
            "Authorization": object(["authorize_url": ["type": "string", "format": "uri"]]),
            "ResyncRequest": object(["broadcast_ids": .object(["type": "array", "maxItems": 1000, "items": nonEmpty])], closed: true),
            "ProviderOptions": object([
                "options": .object([
                    "type": "object", "description": "selector name (lists, properties, audiences, merge_fields, tags) → choices",
                    "additionalProperties": .object(["type": "array", "items": object(["id": string, "name": string])]),
                ])
            ]),
            "Integration": object([
                "id": string, "provider": string, "category": string, "label": string,
                // As stored: the provider's settings (`GET /v1/providers`), which may predate a stricter rule or an
                // operator's allowance (http:// targets in development).
                "settings": ["type": "object", "description": "the provider's settings"],
                "status": enumeration(IntegrationStatus.allCases.map(\.rawValue)),
                "pause_reason": enumeration(PauseReason.allCases.map(\.rawValue), nullable: true), "status_detail": nullableString,
                "credentials": ["type": "object", "description": "masked hints only"], "setup": ["type": ["object", "null"]],
                "last_success_at": nullableTime, "last_failure_at": nullableTime, "created_at": time, "updated_at": time,
                "counts": .object(["type": "object", "additionalProperties": integer]),
            ]),
            "IntegrationList": list("Integration"),
            "TestAttempt": object([
                "succeeded": ["type": "boolean"], "attempted_at": time, "duration_ms": integer, "status_code": nullableInteger,
                "response_body": nullableString, "error_class": nullableString, "error": nullableString,
            ]),
            "Secret": object(["secret": string, "previous_secret_expires_at": nullableTime]),
            // Empty for a webhook; the notification type for a provider that sends test notifications (Slack).
            "TestRequest": object(["notification_type": enumeration(testTypes)], closed: true),
            "Redeliver": object(["status": enumeration(["failed", "skipped"]), "since": time], required: ["status", "since"], closed: true),
            // One schema per type: what each type's data must hold (SPEC §3: broadcast.id always, a valid
            // registrant.email for registrations and attendance).
            "Event": .object([
                "oneOf": [
                    event(
                        .registrationCreated,
                        data: object(["broadcast": broadcast, "registrant": registrant, "source": string], required: ["broadcast", "registrant"])
                    ),
                    event(
                        .attendanceRecorded,
                        data: object(
                            [
                                "broadcast": broadcast, "registrant": registrant, "joined_at": inputTime, "left_at": inputTime,
                                "watch_seconds": ["type": ["number", "null"], "minimum": 0],
                            ],
                            required: ["broadcast", "registrant"]
                        )
                    ),
                    event(.broadcastEnded, data: object(["broadcast": broadcast], required: ["broadcast"])),
                ]
            ]),
            "EventOrBatch": .object([
                "oneOf": [
                    ref("Event"),
                    object(["events": .object(["type": "array", "minItems": 1, "maxItems": 1000, "items": ref("Event")])], required: ["events"]),
                ]
            ]),
            "EventsAccepted": object([
                "id": nullableString,
                "events": .object([
                    "type": "array",
                    "items": object(["id": string, "idempotency_key": string, "duplicate": ["type": "boolean"], "deliveries": integer]),
                ]),
            ]),
            "Attempt": object([
                "id": string, "attempted_at": time, "duration_ms": integer, "status_code": nullableInteger, "response_body": nullableString,
                "error_class": nullableString, "error": nullableString,
            ]),
            "Delivery": object([
                "id": string, "integration_id": string, "event_id": string, "event_type": enumeration(events),
                "status": enumeration(DeliveryStatus.allCases.map(\.rawValue)), "attempt_count": integer, "next_attempt_at": nullableTime,
                "last_attempt_at": nullableTime, "last_status_code": nullableInteger, "last_error": nullableString, "created_at": time,
                "updated_at": time, "attempts": .object(["type": "array", "items": ref("Attempt")]),
            ]),
            "DeliveryList": list("Delivery"),
            "Job": object([
                "id": string, "kind": string, "status": enumeration(["queued", "running", "succeeded", "failed", "cancelled"]),
                "integration_id": nullableString, "progress": object(["done": integer, "total": integer, "failed": integer]),
                "errors": ["type": "array", "items": ["type": "string"]], "created_at": time, "updated_at": time,
            ]),
            "Notification": object([
                "id": string, "kind": string, "title": string, "body": string, "integration_id": nullableString, "read": ["type": "boolean"],
                "created_at": time, "read_at": nullableTime,
            ]),
            "NotificationList": list("Notification"),
            // Only manager keys have an email (they receive notifications).
            "APIKeyCreate": .object([
                "oneOf": [
                    object(
                        ["role": ["const": "manager"], "label": nullableString, "email": ["type": ["string", "null"], "format": "email"]],
                        required: ["role"],
                        closed: true
                    ),
                    object(["role": ["const": "member"], "label": nullableString], required: ["role"], closed: true),
                ]
            ]),
            "APIKey": object([
                "id": string, "role": enumeration(["manager", "member"]), "hint": string, "label": string, "email": nullableString,
                "created_at": time,
                "revoked_at": nullableTime, "key": ["type": "string", "description": "only in the answer to its creation"],
            ]),
            "APIKeyList": list("APIKey"),
        ]
    }
}
