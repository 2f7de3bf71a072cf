import SwitchboardDomain

/// The `components.schemas` of the OpenAPI document, as JSON values.
enum OpenAPISchemas {
    static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required.map(JSONValue.string)) }
        return .object(schema)
    }

    static func ref(_ name: String) -> JSONValue { .object(["$ref": .string("#/components/schemas/\(name)")]) }
    static func list(_ item: String) -> JSONValue {
        object(["data": .object(["type": "array", "items": ref(item)]), "next_cursor": .object(["type": .array(["string", "null"])])])
    }
    static let string: JSONValue = ["type": "string"]
    static let nullableString: JSONValue = ["type": ["string", "null"]]
    static let time: JSONValue = ["type": "string", "format": "date-time"]
    static let nullableTime: JSONValue = ["type": ["string", "null"], "format": "date-time"]
    static let integer: JSONValue = ["type": "integer"]
    static let nullableInteger: JSONValue = ["type": ["integer", "null"]]
    static func enumeration(_ values: [String], nullable: Bool = false) -> JSONValue {
        .object(["type": nullable ? ["string", "null"] : "string", "enum": .array(values.map(JSONValue.string) + (nullable ? [.null] : []))])
    }

    static var all: [String: JSONValue] {
        let events = OutboundEventType.allCases.map(\.rawValue)
        let webhookSettings = object(
            ["url": ["type": "string", "format": "uri"], "events": .object(["type": "array", "items": enumeration(events)])])
        let hubspotSettings = object([
            "list_id": string, "list_name": string, "attended_list_id": string, "overwrite_names": ["type": "boolean"],
            "properties": .object(["type": "object", "description": "HubSpot property → registrant field", "additionalProperties": string]),
        ])
        let mailchimpSettings = object([
            "audience_id": string, "audience_name": string, "tags": .object(["type": "array", "items": string]),
            "status_if_new": enumeration(["subscribed", "pending", "unsubscribed", "transactional"]),
            "merge_fields": .object(["type": "object", "description": "merge tag → registrant field", "additionalProperties": string]),
        ])
        let providerSettings: JSONValue = .object(["oneOf": .array([webhookSettings, hubspotSettings, mailchimpSettings])])
        let credentials: JSONValue = .object([
            "type": "object",
            "description": "hubspot: {access_token}; mailchimp: {api_key}; never returned, only masked hints",
            "additionalProperties": string,
        ])
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
            "IntegrationCreate": object(
                [
                    "provider": enumeration(["webhook", "hubspot", "mailchimp"]), "label": string, "settings": providerSettings,
                    "credentials": credentials,
                ],
                required: ["provider", "settings"]
            ),
            "IntegrationUpdate": object(["label": string, "settings": providerSettings, "credentials": credentials]),
            "Authorization": object(["authorize_url": ["type": "string", "format": "uri"]]),
            "ResyncRequest": object(["broadcast_ids": .object(["type": "array", "items": string])]),
            "ProviderOptions": object([
                "options": .object([
                    "type": "object", "description": "selector name (lists, properties, audiences, merge_fields, tags) → choices",
                    "additionalProperties": .object(["type": "array", "items": object(["id": string, "name": string])]),
                ])
            ]),
            "Integration": object([
                "id": string, "provider": string, "category": string, "label": string, "settings": providerSettings,
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
            "Redeliver": object(["status": enumeration(["failed", "skipped"]), "since": time], required: ["status", "since"]),
            "Event": object(
                [
                    "type": enumeration(InboundEventType.allCases.map(\.rawValue)), "idempotency_key": string, "occurred_at": time,
                    "data": ["type": "object"],
                ],
                required: ["type", "data"]
            ),
            "EventOrBatch": .object([
                "oneOf": [
                    ref("Event"), object(["events": .object(["type": "array", "maxItems": 1000, "items": ref("Event")])], required: ["events"]),
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
            "APIKeyCreate": object(
                ["role": enumeration(["manager", "member"]), "label": string, "email": .object(["type": "string", "format": "email"])],
                required: ["role"]
            ),
            "APIKey": object([
                "id": string, "role": enumeration(["manager", "member"]), "hint": string, "label": string, "email": nullableString,
                "created_at": time,
                "revoked_at": nullableTime, "key": ["type": "string", "description": "only in the answer to its creation"],
            ]),
            "APIKeyList": list("APIKey"),
        ]
    }
}
