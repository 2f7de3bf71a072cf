internal import CSQLite3

/// A value as SQLite stores it.
public enum SQLiteValue: Sendable, Equatable {
    case integer(Int64)
    case float(Double)
    case text(String)
    case blob([UInt8])
    case null
}

/// A statement's column names, shared by all its rows.
public final class SQLiteColumns: Sendable {
    public let names: [String]
    /// Position by name; with repeated names (a join) the first wins.
    public let positions: [String: Int]

    init(statement: OpaquePointer) {
        names = (0..<sqlite3_column_count(statement)).map { String(cString: sqlite3_column_name(statement, $0)) }
        positions = Dictionary(names.enumerated().map { ($1, $0) }) { first, _ in first }
    }
}

/// One SQLite connection driven through the C API, synchronously, on the caller's thread.
///
/// The store runs every SQLite transaction on a thread of its own (`DedicatedExecutor`), one holder at a
/// time, so a statement is a function call: no hop to a thread pool and back per statement, as with
/// sqlite-nio. Prepared statements are cached by their SQL text.
///
/// Not thread-safe by itself: the `Database` serialises all use behind its lock.
public final class SQLiteHandle: @unchecked Sendable {
    private var connection: OpaquePointer?
    private var statements = StatementCache(capacity: 256)
    /// Statements with many rows of binds (bulk inserts, long `IN` lists) vary in text with their row count and
    /// each holds a large compiled program (up to a megabyte): fewer are kept, apart from the rest. The store's
    /// bulk statements come in power-of-two row counts, about 8 large ones per kind and 5 kinds.
    private var largeStatements = StatementCache(capacity: 48)
    private static let largeSQL = 4096

    /// Opens (or creates) the database file at `path`.
    public init(path: String) throws {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw SQLiteFailure(code: code, message: message, sql: nil)
        }
        sqlite3_extended_result_codes(handle, 1)
        connection = handle
    }

    deinit {
        close()
    }

    /// Finalises the cached statements and closes the connection; later calls fail.
    public func close() {
        statements.finalizeAll()
        largeStatements.finalizeAll()
        if let connection { sqlite3_close_v2(connection) }
        connection = nil
    }

    /// Runs one statement with its binds, handing each result row to `onRow`.
    public func execute(_ sql: String, _ binds: [SQLiteValue], onRow: (SQLiteColumns, [SQLiteValue]) -> Void) throws {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (index, value) in binds.enumerated() {
            try check(bind(value, at: Int32(index + 1), in: statement), sql)
        }
        var columns: SQLiteColumns?
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw failure(code, sql) }
            let names = columns ?? SQLiteColumns(statement: statement)
            columns = names
            onRow(names, (0..<Int32(names.names.count)).map { value(at: $0, in: statement) })
        }
    }

    /// Copies what it can of the write-ahead log into the database file without waiting for other connections
    /// (a passive checkpoint).
    public func checkpoint() throws {
        guard let connection else { throw SQLiteFailure(code: SQLITE_MISUSE, message: "the connection is closed", sql: nil) }
        let code = sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        guard code == SQLITE_OK else { throw SQLiteFailure(code: code, message: String(cString: sqlite3_errmsg(connection)), sql: nil) }
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        let large = sql.utf8.count > Self.largeSQL
        if let statement = large ? largeStatements[sql] : statements[sql] { return statement }
        guard let connection else { throw SQLiteFailure(code: SQLITE_MISUSE, message: "the connection is closed", sql: sql) }
        var statement: OpaquePointer?
        // The tail is read inside the closure: it points into the temporary C string.
        let (code, trailing) = sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v3(connection, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, &tail)
            return (code, tail.map { String(cString: $0) } ?? "")
        }
        guard code == SQLITE_OK, let statement else { throw failure(code, sql) }
        guard trailing.allSatisfy({ $0.isWhitespace || $0 == ";" }) else {
            sqlite3_finalize(statement)
            throw SQLiteFailure(code: SQLITE_MISUSE, message: "one statement per call", sql: sql)
        }
        if large {
            largeStatements.insert(statement, for: sql)
        } else {
            statements.insert(statement, for: sql)
        }
        return statement
    }

    private func bind(_ value: SQLiteValue, at index: Int32, in statement: OpaquePointer) -> Int32 {
        switch value {
        case .integer(let integer): sqlite3_bind_int64(statement, index, sqlite3_int64(integer))
        case .float(let double): sqlite3_bind_double(statement, index, double)
        case .text(var text):
            // Bound from the string's own UTF-8 storage, with its length: no C string is built for SQLite to copy again.
            text.withUTF8 { bytes in
                guard let base = bytes.baseAddress, !bytes.isEmpty else {
                    // An empty buffer may have no address, and a null pointer would bind NULL.
                    return sqlite3_bind_text(statement, index, "", 0, SQLiteHandle.transient)
                }
                return sqlite3_bind_text(
                    statement,
                    index,
                    UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self),
                    Int32(bytes.count),
                    SQLiteHandle.transient
                )
            }
        case .blob(let blob):
            blob.withUnsafeBytes { bytes in
                sqlite3_bind_blob(statement, index, bytes.baseAddress, Int32(bytes.count), SQLiteHandle.transient)
            }
        case .null: sqlite3_bind_null(statement, index)
        }
    }

    private func value(at column: Int32, in statement: OpaquePointer) -> SQLiteValue {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: return .float(sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(statement, column) else { return .text("") }
            let count = Int(sqlite3_column_bytes(statement, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, column))
            guard let bytes = sqlite3_column_blob(statement, column), count > 0 else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default: return .null
        }
    }

    private func check(_ code: Int32, _ sql: String) throws {
        guard code == SQLITE_OK else { throw failure(code, sql) }
    }

    private func failure(_ code: Int32, _ sql: String) -> SQLiteFailure {
        SQLiteFailure(code: code, message: connection.map { String(cString: sqlite3_errmsg($0)) } ?? "closed", sql: sql)
    }

    /// SQLite copies bound text and blobs at once.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

/// Prepared statements by their SQL text, at most `capacity`: a full cache starts over rather than tracking use.
private struct StatementCache {
    let capacity: Int
    private var statements: [String: OpaquePointer] = [:]

    init(capacity: Int) {
        self.capacity = capacity
    }

    subscript(sql: String) -> OpaquePointer? { statements[sql] }

    mutating func insert(_ statement: OpaquePointer, for sql: String) {
        if statements.count >= capacity { finalizeAll() }
        statements[sql] = statement
    }

    mutating func finalizeAll() {
        for statement in statements.values { sqlite3_finalize(statement) }
        statements = [:]
    }
}

/// An error reported by SQLite, with the statement that caused it.
public struct SQLiteFailure: Error, CustomStringConvertible {
    public let code: Int32
    public let message: String
    public let sql: String?

    public var description: String {
        "SQLite error \(code): \(message)" + (sql.map { " in: \($0.prefix(200))" } ?? "")
    }
}
