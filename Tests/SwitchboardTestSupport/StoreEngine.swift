import Foundation
import Logging
import SwitchboardStore

/// The two SQL engines every store test runs on.
public enum StoreEngine: String, CaseIterable, Sendable {
    case sqlite, postgres

    public var testDescription: String { rawValue }

    /// A fresh, migrated database URL of this engine.
    public func makeURL() async throws -> DatabaseURL {
        switch self {
        case .sqlite:
            return .sqlite(path: ScratchDirectory.file("store", extension: "db"))
        case .postgres:
            return .postgres(url: try await PostgresCluster.shared.makeDatabase())
        }
    }
}

/// A quiet logger for tests.
public let testLogger: Logger = {
    var logger = Logger(label: "switchboard.test")
    logger.logLevel = .error
    return logger
}()

/// Opens a fresh migrated store of `engine`, runs `body`, and closes it.
public func withStore<R: Sendable>(
    _ engine: StoreEngine,
    _ body: @Sendable (Store) async throws -> R
) async throws -> R {
    try await withStore(url: try await engine.makeURL(), body)
}

/// Opens the store at `url`, migrates it, runs `body`, and closes it.
public func withStore<R: Sendable>(url: DatabaseURL, _ body: @Sendable (Store) async throws -> R) async throws -> R {
    let database = try await Database.open(url, logger: testLogger)
    return try await database.whileRunning {
        try await Migrator(database: database).migrate(logger: testLogger)
        return try await body(Store(database: database))
    }
}
