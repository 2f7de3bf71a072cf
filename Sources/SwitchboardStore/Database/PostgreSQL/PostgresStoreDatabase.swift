import Logging
import NIOCore
import PostgresKit
import SQLKit

/// A PostgreSQL connection as the store's transactions see it: SQLKit's view for every statement, and the
/// connection itself for those that bring back many rows (claims), read by position from PostgresNIO's rows. Read by
/// name through PostgresKit's Codable bridge, a claimed delivery's fifteen columns were 14 % of the store benchmark's
/// CPU on PostgreSQL.
struct PostgresStoreDatabase: SQLDatabase {
    let connection: PostgresConnection
    let base: any SQLDatabase

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        base.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await base.execute(sql: query, onRow)
    }

    /// Runs `statement`; its rows as PostgresNIO gives them.
    func rows(_ statement: BoundSQL) async throws -> [PostgresRow] {
        var query = PostgresQuery(unsafeSQL: "")
        var placeholder = 0
        try statement.forEachPart { text in
            query.sql += text
        } value: { value in
            placeholder += 1
            query.sql += "$\(placeholder)"
            switch value {
            case .text(let text): query.binds.append(text)
            case .integer(let integer): query.binds.append(integer)
            case .column(let array): try query.binds.append(array)
            }
        }
        var rows: [PostgresRow] = []
        for try await row in try await connection.query(query, logger: logger) { rows.append(row) }
        return rows
    }
}
