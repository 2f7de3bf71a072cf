import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteDirect
import SQLiteKit
import SQLiteNIO

extension BoundValue {
    var sqlite: SQLiteValue {
        switch self {
        case .text(let text?): .text(text)
        case .integer(let integer?): .integer(integer)
        case .text(nil), .integer(nil): .null
        case .column: preconditionFailure("column arrays are PostgreSQL's: SQLite statements bind rows (BoundSQL.appendRows)")
        }
    }
}

/// SQLKit's view of a `SQLiteHandle`: the store's one SQL implementation runs on it unchanged.
///
/// Statements execute synchronously on the calling thread, which `Database` makes the SQLite thread.
struct DirectSQLiteDatabase: SQLDatabase {
    let handle: SQLiteHandle
    let logger: Logger
    private static let encoder = SQLiteDataEncoder()

    var eventLoop: any EventLoop { MultiThreadedEventLoopGroup.singleton.any() }
    var dialect: any SQLDialect { AnonymousPlaceholderDialect() }
    var queryLogLevel: Logger.Level? { .trace }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try run(query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        // SQLKit's future-based entry point; the store itself only uses the async one.
        let loop = eventLoop
        return loop.makeFutureWithTask { try await execute(sql: query, onRow) }
    }

    /// The common bind types directly; anything else through sqlite-kit's encoder (which also maps nil).
    private static func value(_ bind: any Encodable & Sendable) throws -> SQLiteValue {
        switch bind {
        case let text as String: .text(text)
        case let integer as Int: .integer(Int64(integer))
        case let integer as Int64: .integer(integer)
        case let integer as Int32: .integer(Int64(integer))
        case let double as Double: .float(double)
        case let bool as Bool: .integer(bool ? 1 : 0)
        default: SQLiteValue(try encoder.encode(bind))
        }
    }

    private func run(_ query: any SQLExpression, _ onRow: (any SQLRow) -> Void) throws {
        let sql: String
        let values: [SQLiteValue]
        if let bound = query as? BoundSQL {
            // Already SQLite's text and values.
            sql = bound.text
            values = bound.values.map(\.sqlite)
        } else {
            let serialized = serialize(query)
            sql = serialized.sql
            values = try serialized.binds.map(Self.value)
        }
        logger.trace("sqlite", metadata: ["sql": "\(sql)"])
        try handle.execute(sql, values) { columns, row in onRow(SQLiteResultRow(columns: columns, values: row)) }
    }
}
