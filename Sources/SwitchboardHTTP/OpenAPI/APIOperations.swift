/// Every operation the server answers; the OpenAPI test checks this list against the router both ways.
enum APIOperations {
    static let page: [(String, String)] = [("limit", "1 to 200, default 50"), ("cursor", "next_cursor of the previous page")]

    static let all: [APIOperation] = [
        APIOperation("get", "/healthz", "Liveness", tag: "Operations", responses: [(200, "Health")], authenticated: false),
        APIOperation(
            "get",
            "/readyz",
            "Readiness: database reachable, migrations applied",
            tag: "Operations",
            responses: [(200, "Health"), (503, "Health")],
            authenticated: false
        ),
        APIOperation("get", "/metrics", "Prometheus metrics", tag: "Operations", responses: [(200, nil)], authenticated: false),
        APIOperation("get", "/openapi.json", "This document", tag: "Operations", responses: [(200, nil)], authenticated: false),
        APIOperation("get", "/v1/providers", "The provider catalogue", tag: "Providers", responses: [(200, "ProviderList")]),
        APIOperation(
            "post",
            "/v1/integrations",
            "Create an integration",
            tag: "Integrations",
            body: "IntegrationCreate",
            responses: [(201, "Integration"), (400, "Problem")]
        ),
        APIOperation(
            "get",
            "/v1/integrations",
            "List integrations, newest first",
            tag: "Integrations",
            responses: [(200, "IntegrationList")],
            query: page
        ),
        APIOperation("get", "/v1/integrations/{id}", "One integration", tag: "Integrations", responses: [(200, "Integration"), (404, "Problem")]),
        APIOperation(
            "patch",
            "/v1/integrations/{id}",
            "Manage Integration",
            tag: "Integrations",
            body: "IntegrationUpdate",
            responses: [(200, "Integration"), (400, "Problem"), (404, "Problem")]
        ),
        APIOperation(
            "delete",
            "/v1/integrations/{id}",
            "Delete; pending deliveries are cancelled",
            tag: "Integrations",
            responses: [(204, nil), (404, "Problem")]
        ),
        APIOperation("post", "/v1/integrations/{id}/pause", "Pause", tag: "Integrations", responses: [(200, "Integration"), (404, "Problem")]),
        APIOperation(
            "post",
            "/v1/integrations/{id}/resume",
            "Validate, then resume",
            tag: "Integrations",
            responses: [(200, "Integration"), (409, "Problem")]
        ),
        APIOperation(
            "post",
            "/v1/integrations/{id}/test",
            "Test: a webhook's signed sample delivery, or a provider's test notification of `notification_type`; the attempt is returned at once",
            tag: "Integrations",
            body: "TestRequest",
            bodyRequired: false,
            responses: [(200, "TestAttempt"), (400, "Problem"), (404, "Problem"), (409, "Problem"), (429, "Problem")]
        ),
        APIOperation(
            "post",
            "/v1/integrations/{id}/complete-setup",
            "Finish setup of a CRM or email integration: validates, then makes it active",
            tag: "Integrations",
            responses: [(200, "Integration"), (409, "Problem"), (502, "Problem")]
        ),
        APIOperation(
            "get",
            "/v1/integrations/{id}/options",
            "Fresh selector options from the provider: lists, audiences, properties, merge fields, tags",
            tag: "Integrations",
            responses: [(200, "ProviderOptions"), (409, "Problem"), (502, "Problem")]
        ),
        APIOperation(
            "post",
            "/v1/integrations/{id}/authorize",
            "Connect through the provider's OAuth: a start link for the manager's browser, usable for 15 minutes",
            tag: "Integrations",
            responses: [(200, "Authorization"), (409, "Problem")]
        ),
        APIOperation(
            "get",
            "/v1/oauth/start/{flow}",
            "The start link: binds the connection to the first browser that opens it (a cookie) and redirects to the provider",
            tag: "Integrations",
            responses: [(302, nil), (409, "HTML")],
            authenticated: false
        ),
        APIOperation(
            "get",
            "/v1/oauth/callback",
            "Where the provider sends the manager back (code, state); answers an HTML page",
            tag: "Integrations",
            responses: [(200, "HTML"), (400, "HTML"), (409, "HTML"), (502, "HTML")],
            query: [("code", "the authorization code"), ("state", "the state Switchboard issued"), ("error", "the provider's refusal")],
            requiredQuery: ["state"],
            authenticated: false
        ),
        APIOperation(
            "post",
            "/v1/integrations/{id}/resync",
            "Resync Historical Contacts: a job over stored registrations (optionally of some broadcasts)",
            tag: "Integrations",
            body: "ResyncRequest",
            bodyRequired: false,
            responses: [(202, "Job"), (400, "Problem"), (409, "Problem")]
        ),
        APIOperation(
            "get",
            "/v1/integrations/{id}/secret",
            "The webhook signing secret (managers only)",
            tag: "Integrations",
            responses: [(200, "Secret"), (403, "Problem")]
        ),
        APIOperation(
            "post",
            "/v1/integrations/{id}/secret/rotate",
            "Regenerate the signing secret; the old one signs too for 24 hours",
            tag: "Integrations",
            responses: [(200, "Secret")]
        ),
        APIOperation(
            "post",
            "/v1/integrations/{id}/redeliver",
            "Re-send failed or skipped deliveries since a time, as a job",
            tag: "Integrations",
            body: "Redeliver",
            responses: [(202, "Job"), (400, "Problem")]
        ),
        APIOperation(
            "post",
            "/v1/events",
            "Ingest one event or a batch of up to 1000",
            tag: "Events",
            body: "EventOrBatch",
            responses: [(202, "EventsAccepted"), (400, "Problem"), (413, "Problem")]
        ),
        APIOperation(
            "get",
            "/v1/deliveries",
            "The deliveries log, newest first",
            tag: "Deliveries",
            responses: [(200, "DeliveryList")],
            query: page + [
                ("integration_id", "only this integration"), ("status", "pending, succeeded, failed, skipped or cancelled"),
                ("event_type", "an outbound event type"), ("since", "RFC 3339: created at or after"),
            ]
        ),
        APIOperation(
            "get",
            "/v1/deliveries/{id}",
            "One delivery with every attempt",
            tag: "Deliveries",
            responses: [(200, "Delivery"), (404, "Problem")]
        ),
        APIOperation(
            "post",
            "/v1/deliveries/{id}/redeliver",
            "Re-send one delivery",
            tag: "Deliveries",
            responses: [(202, "Delivery"), (409, "Problem")]
        ),
        APIOperation("get", "/v1/jobs/{id}", "A job's status and progress", tag: "Jobs", responses: [(200, "Job"), (404, "Problem")]),
        APIOperation("post", "/v1/jobs/{id}/cancel", "Cancel a job", tag: "Jobs", responses: [(200, "Job"), (404, "Problem")]),
        APIOperation(
            "get",
            "/v1/notifications",
            "In-app notifications, newest first",
            tag: "Notifications",
            responses: [(200, "NotificationList")],
            query: page
        ),
        APIOperation(
            "post",
            "/v1/notifications/{id}/read",
            "Mark a notification read",
            tag: "Notifications",
            responses: [(200, "Notification"), (404, "Problem")]
        ),
        APIOperation("get", "/v1/api-keys", "The workspace's API keys (hints only)", tag: "API keys", responses: [(200, "APIKeyList")]),
        APIOperation(
            "post",
            "/v1/api-keys",
            "Create an API key; the key is shown once",
            tag: "API keys",
            body: "APIKeyCreate",
            responses: [(201, "APIKey"), (400, "Problem")]
        ),
        APIOperation("delete", "/v1/api-keys/{id}", "Revoke an API key", tag: "API keys", responses: [(204, nil), (404, "Problem")]),
    ]
}
