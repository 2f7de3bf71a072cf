import SQLKit

/// A model written in bulk on the hot path (deliveries at ingest, attempts when recording), with its
/// columns and values spelt out: SQLKit's Codable row encoding costs more than the database's own work
/// there. `BulkRowTests` checks that both ways write the same columns and values.
protocol BulkRow {
    /// Column names, in the order of `values`.
    static var columns: [String] { get }
    /// The row's values, nil as NULL.
    var values: [any Encodable & Sendable] { get }
}

extension Store {
    /// Inserts rows with multi-row statements, chunked to stay far below SQLite's bound-parameter limit.
    static func insert<Row: BulkRow>(_ rows: [Row], into table: String, in db: any SQLDatabase) async throws {
        let head = "INSERT INTO \(table) (\(Row.columns.joined(separator: ", "))) VALUES "
        for chunk in rows.chunked(into: max(1, 4000 / Row.columns.count)) {
            let tuples: [SQLQueryString] = chunk.map { "(\(binds: $0.values))" }
            try await db.raw(SQLQueryString(head) + tuples.joined(separator: ", ")).run()
        }
    }
}

extension Delivery: BulkRow {
    static let columns = [
        "id", "workspace_id", "integration_id", "event_id", "event_type", "status", "attempts", "consecutive_failures",
        "next_attempt_at", "claim_token", "created_at", "updated_at", "last_attempt_at", "last_status_code", "last_error",
    ]

    var values: [any Encodable & Sendable] {
        [
            id, workspaceId, integrationId, eventId, eventType.rawValue, status.rawValue, attempts, consecutiveFailures,
            nextAttemptAt, claimToken, createdAt, updatedAt, lastAttemptAt, lastStatusCode, lastError,
        ]
    }
}

extension Attempt: BulkRow {
    static let columns = [
        "id", "delivery_id", "workspace_id", "attempted_at", "duration_ms", "status_code", "response_body", "error_class", "error",
    ]

    var values: [any Encodable & Sendable] {
        [id, deliveryId, workspaceId, attemptedAt, durationMs, statusCode, responseBody, errorClass, error]
    }
}
