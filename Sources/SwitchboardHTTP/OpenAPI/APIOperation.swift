/// One operation of the HTTP API, as the OpenAPI document lists it.
struct APIOperation: Sendable {
    let method: String
    /// The path in OpenAPI form, e.g. `/v1/integrations/{id}`.
    let path: String
    let summary: String
    let tag: String
    /// The request body's schema name in `components.schemas`, if any.
    let requestBody: String?
    /// Whether a request must carry the body (false: it may be left out, as `{}`).
    let bodyRequired: Bool
    /// Status code → schema name (nil for no body).
    let responses: [(status: Int, schema: String?)]
    /// Query parameters: name → description.
    let query: [(name: String, description: String)]
    /// False for the public routes (health, metrics, the document itself).
    let authenticated: Bool
    /// Query parameters that must be given.
    let requiredQuery: Set<String>

    init(
        _ method: String,
        _ path: String,
        _ summary: String,
        tag: String,
        body: String? = nil,
        bodyRequired: Bool = true,
        responses: [(Int, String?)],
        query: [(String, String)] = [],
        requiredQuery: Set<String> = [],
        authenticated: Bool = true
    ) {
        self.requiredQuery = requiredQuery
        self.method = method
        self.path = path
        self.summary = summary
        self.tag = tag
        self.requestBody = body
        self.bodyRequired = bodyRequired
        self.responses = responses.map { (status: $0.0, schema: $0.1) }
        self.query = query.map { (name: $0.0, description: $0.1) }
        self.authenticated = authenticated
    }
}
