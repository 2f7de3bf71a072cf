import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import SQLiteDirect
import ServiceLifecycle

/// A connection to the store's database, SQLite or PostgreSQL, with transactions.
///
/// Run it as a service (`run()`) for as long as it is used: PostgreSQL's pool needs it, and both
/// engines close their connections when it returns.
public final class Database: Service, Sendable {
    /// Which SQL engine this is.
    public let dialect: StoreDialect
    /// Where the database is, for messages: a file path, or PostgreSQL's host, port and database (never credentials).
    public let location: String
    private let backend: Backend
    private let logger: Logger

    private enum Backend: Sendable {
        case sqlite(SQLiteHandle, AsyncLock, DedicatedExecutor, WALCheckpointer)
        case postgres(PostgresClient)
    }

    private init(dialect: StoreDialect, location: String, backend: Backend, logger: Logger) {
        self.dialect = dialect
        self.location = location
        self.backend = backend
        self.logger = logger
    }

    /// Opens the database at `url`. SQLite runs in WAL mode with a busy timeout, on a thread of its own: every
    /// transaction runs there from start to end, one at a time, its statements plain calls into SQLite.
    public static func open(_ url: DatabaseURL, logger: Logger) async throws -> Database {
        switch url {
        case .sqlite(let path):
            let handle = try SQLiteHandle(path: path)
            // WAL with NORMAL sync: durable at every checkpoint, and a commit costs no fsync. A commit writes each page
            // it dirtied to the log, one write each: a new database uses 16 KiB pages, with which a batch of deliveries
            // commits in about a third less time than with 4 KiB ones (an existing file keeps its page size). A 16 MB
            // page cache holds the hot ends of the delivery indexes (32 MB delivered no faster, with 1M deliveries
            // pending, and cost RSS). A `WALCheckpointer` copies the log back ten times a second; the writer's own
            // checkpoint at 4,096 pages of log (64 MB) is the backstop. No memory-mapped I/O: it made no difference to
            // throughput and added the file to the RSS.
            let pragmas = [
                "PRAGMA page_size = 16384", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA busy_timeout = 5000",
                "PRAGMA foreign_keys = ON", "PRAGMA cache_size = -16384", "PRAGMA temp_store = MEMORY", "PRAGMA wal_autocheckpoint = 4096",
            ]
            for pragma in pragmas {
                try handle.execute(pragma, []) { _, _ in }
            }
            let executor = DedicatedExecutor(name: "switchboard-sqlite")
            let checkpointer = try WALCheckpointer(path: path)
            return Database(
                dialect: .sqlite,
                location: url.location,
                backend: .sqlite(handle, AsyncLock(), executor, checkpointer),
                logger: logger
            )
        case .postgres(let text):
            let configuration = try SQLPostgresConfiguration(url: text)
            var clientConfiguration = PostgresClient.Configuration(configuration: configuration.coreConfiguration)
            clientConfiguration.options.maximumConnections = 16
            let client = PostgresClient(configuration: clientConfiguration, backgroundLogger: logger)
            return Database(dialect: .postgres, location: url.location, backend: .postgres(client), logger: logger)
        }
    }

    /// Keeps the database usable until the service group shuts down or the task is cancelled.
    public func run() async throws {
        switch backend {
        case .postgres(let client):
            await cancelWhenGracefulShutdown { await client.run() }
        case .sqlite(let handle, let lock, let executor, let checkpointer):
            try? await gracefulShutdown()
            checkpointer.stop()
            // Closed under the lock, so that no transaction is cut short; the executor's thread ends after it.
            await lock.acquire()
            handle.close()
            lock.release()
            executor.stop()
        }
    }

    /// Runs the database (see `run()`) for exactly as long as `body` runs: the way commands and tests use it.
    ///
    /// The database outlives `body` even when the caller is cancelled. Cancellation reaches the services in
    /// `body`, which still record the attempts they finished and hand back what they claimed; a database
    /// cancelled at the same moment closed under them (SQLite: their statements waited forever for its stopped
    /// thread). So it runs in a task of its own, stopped once `body` has returned. The task is detached: a child
    /// task would inherit an enclosing service group's graceful shutdown and close the database while the
    /// services in `body` were still shutting down.
    public func whileRunning<R: Sendable>(_ body: () async throws -> R) async throws -> R {
        let running = Task.detached { try await self.run() }
        let result: Result<R, any Error>
        do {
            result = .success(try await body())
        } catch {
            result = .failure(error)
        }
        running.cancel()
        _ = await running.result
        return try result.get()
    }

    /// Waits until the database answers a trivial query, for at most `timeout`. PostgreSQL's pool retries a failed
    /// connection for as long as it is asked to: without this bound, a wrong URL or a server that is down kept
    /// `migrate` (and `serve` starting) waiting forever, with nothing but the pool's info-level log lines.
    public func ping(within timeout: Duration) async throws {
        try await answering(within: timeout) { try await self.withConnection { db in _ = try await db.raw("SELECT 1 AS n").all() } }
    }

    /// Runs `body`, which uses the database, for at most `timeout`; past it, cancels it and throws `Unreachable`.
    public func answering<R: Sendable>(within timeout: Duration, _ body: @escaping @Sendable () async throws -> R) async throws -> R {
        let answer = try await withThrowingTaskGroup(of: R?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        guard let answer else { throw Unreachable(location: location, timeout: timeout) }
        return answer
    }

    /// The database did not answer in time.
    public struct Unreachable: Error, CustomStringConvertible {
        public let location: String
        public let timeout: Duration

        public var description: String {
            "\(location) did not answer within \(timeout.components.seconds) s: check SWITCHBOARD_DATABASE_URL and that the server is up"
        }
    }

    /// Runs `body` with one connection of its own.
    public func withConnection<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        switch backend {
        case .sqlite(let handle, let lock, let executor, _):
            return try await withTaskExecutorPreference(executor) {
                await lock.acquire()
                defer { lock.release() }
                return try await body(DirectSQLiteDatabase(handle: handle, logger: logger))
            }
        case .postgres(let client):
            return try await client.withConnection { connection in
                try await body(PostgresStoreDatabase(connection: connection, base: connection.sql(queryLogLevel: .trace, logger: logger)))
            }
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    public func transaction<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let begin = dialect.beginTransaction
        return try await withConnection { db in
            try await db.raw(SQLQueryString(begin)).run()
            do {
                let result = try await body(db)
                try await db.raw("COMMIT").run()
                return result
            } catch {
                try? await db.raw("ROLLBACK").run()
                throw error
            }
        }
    }
}

extension PostgresClient.Configuration {
    /// Translates postgres-kit's URL-based configuration into the pool's own.
    init(configuration: PostgresConnection.Configuration) {
        let tls: PostgresClient.Configuration.TLS =
            switch (configuration.tls.isEnforced, configuration.tls.isAllowed) {
            case (true, _): configuration.tls.sslContext.map { .require($0.configuration) } ?? .disable
            case (_, true): configuration.tls.sslContext.map { .prefer($0.configuration) } ?? .disable
            default: .disable
            }
        if let socket = configuration.unixSocketPath {
            self.init(
                unixSocketPath: socket,
                username: configuration.username,
                password: configuration.password,
                database: configuration.database
            )
        } else {
            self.init(
                host: configuration.host ?? "localhost",
                port: configuration.port ?? 5432,
                username: configuration.username,
                password: configuration.password,
                database: configuration.database,
                tls: tls
            )
        }
    }
}
