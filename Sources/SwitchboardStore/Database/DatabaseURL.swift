import Foundation
import SwitchboardDomain

/// Where the store lives: `sqlite://path/to/file.db` (the default) or `postgres://user:pass@host:port/db`.
public enum DatabaseURL: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    /// Why a URL was not understood.
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Parses `SWITCHBOARD_DATABASE_URL`.
    public init(_ text: String) throws {
        if text.hasPrefix("sqlite://") {
            let path = String(text.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw Invalid(description: "sqlite:// needs a file path, e.g. sqlite://switchboard.db") }
            self = .sqlite(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else {
            throw Invalid(description: "SWITCHBOARD_DATABASE_URL must start with sqlite:// or postgres://, got \(text.prefix(16))…")
        }
    }

    /// Where the database is, without credentials: the file, or PostgreSQL's host, port and database.
    public var location: String {
        switch self {
        case .sqlite(let path): return "SQLite file \(path)"
        case .postgres(let url):
            guard let components = URLComponents(string: url) else { return "PostgreSQL" }
            let host = components.host.map { $0.isEmpty ? "localhost" : $0 } ?? "localhost"
            return "PostgreSQL at \(host):\(components.port ?? 5432)\(components.path)"
        }
    }

    /// The dialect of this store.
    public var dialect: StoreDialect {
        switch self {
        case .sqlite: .sqlite
        case .postgres: .postgres
        }
    }
}

/// The two SQL engines, for the few places where their SQL differs.
public enum StoreDialect: String, Sendable {
    case sqlite, postgres

    /// Appended to claim sub-selects (deliveries, jobs) so that concurrent workers skip each other's rows (PostgreSQL only:
    /// SQLite has a single writer, so its claims are already serialised).
    var claimLockClause: String {
        switch self {
        case .sqlite: ""
        case .postgres: " FOR UPDATE SKIP LOCKED"
        }
    }

    /// Names the due index in the claim's loose index scan. SQLite would otherwise pick the covering
    /// (integration, status, id) index and walk every finished delivery of an integration to find the next
    /// integration; PostgreSQL's planner chooses the partial index by itself.
    var dueIndexHint: String {
        switch self {
        case .sqlite: " INDEXED BY deliveries_due"
        case .postgres: ""
        }
    }

    /// How a bulk statement's rows are split: SQLite binds every value, so at most 256 rows a statement, in power-of-two
    /// counts whose statement texts stay prepared; PostgreSQL binds one array per column (`BoundSQL.appendInsertRows`),
    /// so one statement takes them all, up to 4,096.
    func bulkChunks<Element>(_ rows: [Element]) -> [ArraySlice<Element>] {
        switch self {
        case .sqlite: rows.chunkedInPowersOfTwo(largest: 256)
        case .postgres: rows.chunked(into: 4096)
        }
    }

    /// The statement that opens a write transaction. SQLite takes the write lock up front, so that two
    /// connections never deadlock upgrading a read lock.
    var beginTransaction: String {
        switch self {
        case .sqlite: "BEGIN IMMEDIATE"
        case .postgres: "BEGIN"
        }
    }
}
