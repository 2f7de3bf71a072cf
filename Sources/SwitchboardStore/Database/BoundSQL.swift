import SQLKit

/// A value bound to a `BoundSQL` statement: the column types the store writes in bulk. NULLs keep their type,
/// which PostgreSQL needs to place a parameter.
enum BoundValue: Sendable, Equatable {
    case text(String?)
    case integer(Int64?)
    /// A whole column of rows as one array parameter: PostgreSQL only (see `appendInsertRows` and `appendTable`).
    case column(PostgresColumnArray)

    static func integer(_ value: Int?) -> BoundValue { .integer(value.map(Int64.init)) }
}

/// A statement built as text with `?` placeholders beside its typed values, for the statements the hot path runs
/// with hundreds of rows (events, deliveries, attempts, recording).
///
/// SQLKit's `SQLQueryString` keeps every fragment and bind as an existential and serialises them one by one; for a
/// 200-row insert that Swift-side work cost more than SQLite's own. This one is a string and an array: SQLite runs
/// the text and values as they are (`DirectSQLiteDatabase`), PostgreSQL gets them through SQLKit's serialiser, each
/// placeholder in its own `$n` syntax. The SQL is the same for both, except where many rows go in at once: SQLite
/// takes them as `VALUES` rows, PostgreSQL as one array per column (`appendInsertRows`, `appendTable`).
struct BoundSQL: SQLExpression {
    /// The statement with `?` for each value.
    private(set) var text: String
    private(set) var values: [BoundValue] = []
    /// Where each `?` is, as UTF-8 offsets into `text`, so that literal text is never mistaken for a placeholder.
    private var placeholders: [Int] = []

    init(_ sql: String = "") {
        text = sql
    }

    /// Appends SQL text as it is.
    mutating func append(_ sql: String) {
        text += sql
    }

    /// Appends a placeholder for `value`.
    mutating func append(_ value: BoundValue) {
        placeholders.append(text.utf8.count)
        text += "?"
        values.append(value)
    }

    /// Appends `rows` as parenthesised rows of placeholders, comma-separated: the list after `VALUES`.
    mutating func appendRows(_ rows: [[BoundValue]]) {
        for (rowIndex, row) in rows.enumerated() {
            text += rowIndex == 0 ? "(" : ", ("
            for (index, value) in row.enumerated() {
                if index > 0 { text += ", " }
                append(value)
            }
            text += ")"
        }
    }

    /// Appends `rows` as what an INSERT takes after its column list: `VALUES (…), (…)` on SQLite; on PostgreSQL
    /// `SELECT * FROM unnest(…)`, one array parameter per column instead of one parameter per value (a 256-row insert
    /// of deliveries had 3,840 parameters for PostgreSQL to receive, parse and plan).
    mutating func appendInsertRows(_ rows: [[BoundValue]], dialect: StoreDialect) {
        switch dialect {
        case .sqlite:
            text += "VALUES "
            appendRows(rows)
        case .postgres:
            text += "SELECT * FROM "
            appendUnnest(rows)
        }
    }

    /// Appends `rows` as a table `v` with columns `column1`, `column2`, …: `(VALUES …) AS v` on SQLite, and
    /// `unnest(…) AS v (column1, …)` on PostgreSQL, one array parameter per column.
    mutating func appendTable(_ rows: [[BoundValue]], dialect: StoreDialect) {
        switch dialect {
        case .sqlite:
            text += "(VALUES "
            appendRows(rows)
            text += ") AS v"
        case .postgres:
            appendUnnest(rows)
            text += " AS v (" + (1...(rows.first?.count ?? 1)).map { "column\($0)" }.joined(separator: ", ") + ")"
        }
    }

    private mutating func appendUnnest(_ rows: [[BoundValue]]) {
        text += "unnest("
        for column in 0..<(rows.first?.count ?? 0) {
            let array = PostgresColumnArray(column: column, of: rows)
            text += column == 0 ? "CAST(" : ", CAST("
            append(.column(array))
            text += " AS \(array.sqlType))"
        }
        text += ")"
    }

    /// Walks the statement in order: each run of SQL text between placeholders, and each placeholder's value.
    func forEachPart(text onText: (String) throws -> Void, value onValue: (BoundValue) throws -> Void) rethrows {
        let utf8 = Array(text.utf8)
        var start = 0
        for (offset, value) in zip(placeholders, values) {
            try onText(String(decoding: utf8[start..<offset], as: UTF8.self))
            try onValue(value)
            start = offset + 1
        }
        try onText(String(decoding: utf8[start...], as: UTF8.self))
    }

    func serialize(to serializer: inout SQLSerializer) {
        forEachPart { text in
            serializer.write(text)
        } value: { value in
            switch value {
            case .text(let text?): serializer.write(bind: text)
            case .text(nil): serializer.write(bind: String?.none)
            case .integer(let integer?): serializer.write(bind: integer)
            case .integer(nil): serializer.write(bind: Int64?.none)
            case .column(let array): serializer.write(bind: array)
            }
        }
    }
}

/// A `BoundSQL` statement with SQLKit's ways to run it: `run()`, `all()`, `first()`.
final class BoundQuery: SQLQueryFetcher {
    let query: any SQLExpression
    let database: any SQLDatabase

    init(_ statement: BoundSQL, on database: any SQLDatabase) {
        query = statement
        self.database = database
    }
}

extension SQLDatabase {
    /// `statement`, ready to run on this database.
    func bound(_ statement: BoundSQL) -> BoundQuery { BoundQuery(statement, on: self) }

    /// The store's name for this database's SQL dialect.
    var storeDialect: StoreDialect { dialect.name == "postgresql" ? .postgres : .sqlite }
}
