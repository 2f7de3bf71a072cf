import PostgresKit
import SQLKit
import SwitchboardDomain

/// A model written in bulk on the hot path (deliveries at ingest, attempts when recording), with its
/// columns and values spelt out: SQLKit's Codable row encoding costs more than the database's own work
/// there. `BulkRowTests` checks that both ways write the same columns and values.
protocol BulkRow {
    /// Column names, in the order of `values`.
    static var columns: [String] { get }
    /// The row's values, nil as NULL.
    var values: [BoundValue] { get }
}

extension Store {
    /// Inserts rows with multi-row statements, split as the dialect binds them best (`StoreDialect.bulkChunks`).
    static func insert<Row: BulkRow>(_ rows: [Row], into table: String, in db: any SQLDatabase) async throws {
        let dialect = db.storeDialect
        let head = "INSERT INTO \(table) (\(Row.columns.joined(separator: ", "))) "
        for chunk in dialect.bulkChunks(rows) {
            var statement = BoundSQL(head)
            statement.appendInsertRows(chunk.map(\.values), dialect: dialect)
            try await db.bound(statement).run()
        }
    }
}

extension Store {
    /// Inserts a few `rows` of `columns` in one statement, `onConflict` (an `ON CONFLICT …` clause) saying what
    /// becomes of rows already there. Not chunked: for the handful of rows of a bookkeeping table.
    static func upsert(into table: String, columns: [String], rows: [[BoundValue]], onConflict: String, in db: any SQLDatabase) async throws {
        guard !rows.isEmpty else { return }
        var statement = BoundSQL("INSERT INTO \(table) (\(columns.joined(separator: ", "))) ")
        statement.appendInsertRows(rows, dialect: db.storeDialect)
        statement.append(" " + onConflict)
        try await db.bound(statement).run()
    }
}

extension Delivery: BulkRow {
    static let columns = [
        "id", "workspace_id", "integration_id", "event_id", "event_type", "status", "attempts", "consecutive_failures",
        "next_attempt_at", "claim_token", "created_at", "updated_at", "last_attempt_at", "last_status_code", "last_error",
    ]

    var values: [BoundValue] {
        [
            .text(id), .text(workspaceId), .text(integrationId), .text(eventId), .text(eventType.rawValue), .text(status.rawValue),
            .integer(attempts), .integer(consecutiveFailures), .integer(nextAttemptAt), .text(claimToken), .integer(createdAt),
            .integer(updatedAt), .integer(lastAttemptAt), .integer(lastStatusCode), .text(lastError),
        ]
    }
}

extension Attempt: BulkRow {
    static let columns = [
        "id", "delivery_id", "workspace_id", "attempted_at", "duration_ms", "status_code", "response_body", "error_class", "error",
    ]

    var values: [BoundValue] {
        [
            .text(id), .text(deliveryId), .text(workspaceId), .integer(attemptedAt), .integer(durationMs), .integer(statusCode),
            .text(responseBody), .text(errorClass), .text(error),
        ]
    }
}

extension Delivery {
    /// Reads a delivery from a row of `deliveries` column by column: claims decode thousands a second, and
    /// SQLKit's Codable row decoding costs more than the claim itself. `BulkRowTests` checks it against Codable.
    init(row: any SQLRow) throws {
        func text(_ column: String) throws -> String { try row.decode(column: column, as: String.self) }
        self.init(
            id: try text("id"),
            workspaceId: try text("workspace_id"),
            integrationId: try text("integration_id"),
            eventId: try text("event_id"),
            eventType: try Self.enumeration(text("event_type"), column: "event_type"),
            status: try Self.enumeration(text("status"), column: "status"),
            attempts: try row.decode(column: "attempts", as: Int.self),
            consecutiveFailures: try row.decode(column: "consecutive_failures", as: Int.self),
            nextAttemptAt: try row.decode(column: "next_attempt_at", as: Int64?.self),
            claimToken: try row.decode(column: "claim_token", as: String?.self),
            createdAt: try row.decode(column: "created_at", as: Int64.self),
            updatedAt: try row.decode(column: "updated_at", as: Int64.self),
            lastAttemptAt: try row.decode(column: "last_attempt_at", as: Int64?.self),
            lastStatusCode: try row.decode(column: "last_status_code", as: Int?.self),
            lastError: try row.decode(column: "last_error", as: String?.self)
        )
    }

    /// Reads a delivery from PostgresNIO's row of `RETURNING <Delivery.columns>`, by position.
    init(postgresRow row: PostgresRow) throws {
        var cells = row.makeIterator()
        func next<T: PostgresDecodable>(_ type: T.Type = T.self) throws -> T {
            guard let cell = cells.next() else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "the row has fewer columns than Delivery.columns"))
            }
            return try cell.decode(T.self)
        }
        self.init(
            id: try next(),
            workspaceId: try next(),
            integrationId: try next(),
            eventId: try next(),
            eventType: try Self.enumeration(next(), column: "event_type"),
            status: try Self.enumeration(next(), column: "status"),
            attempts: try next(),
            consecutiveFailures: try next(),
            nextAttemptAt: try next(),
            claimToken: try next(),
            createdAt: try next(),
            updatedAt: try next(),
            lastAttemptAt: try next(),
            lastStatusCode: try next(),
            lastError: try next()
        )
    }

    private static func enumeration<E: RawRepresentable<String>>(_ raw: String, column: String) throws -> E {
        guard let value = E(rawValue: raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "\(column) has an unknown value \(raw)"))
        }
        return value
    }
}
