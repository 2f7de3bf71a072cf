import Foundation
import Logging
import SQLKit

/// Applies the schema migrations that a database lacks, each in its own transaction.
public struct Migrator: Sendable {
    let database: Database

    /// A migrator for a database.
    public init(database: Database) {
        self.database = database
    }

    /// Every migration, oldest first.
    static let all: [Migration] = [
        initialSchema, dueIndexCoversIntegration, dueIndexPerIntegration, integrationEventsAndSetup, resumableJobs, emailNotifications,
        periodicRuns,
        rateBudgetUsers,
        rateBudgetDemand,
        deliveryLinksKeptByStore,
        deliveryCounts,
        oauthFlows,
        providerMarks,
        notificationAlerts,
        webSessions,
    ]

    /// The newest version this build knows.
    public static var latestVersion: Int { all.last?.version ?? 0 }

    /// How long a command waits for the database to answer before it gives up with `Database.Unreachable`.
    public static let reachableWithin: Duration = .seconds(30)

    /// Applies what is missing; returns the versions applied now. Every command starts here, so this is where a
    /// database that does not answer is reported (after `reachableWithin`) instead of waited for without end.
    @discardableResult
    public func migrate(logger: Logger) async throws -> [Int] {
        try await database.ping(within: Self.reachableWithin)
        try await database.withConnection { db in
            try await db.raw(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
            ).run()
        }
        var applied: [Int] = []
        for migration in Self.all {
            let didApply = try await database.transaction { db in
                // Checked inside the transaction, so that two processes starting together apply each migration once.
                if database.dialect == .postgres { try await db.raw("LOCK TABLE schema_migrations IN EXCLUSIVE MODE").run() }
                let existing = try await db.raw("SELECT version FROM schema_migrations WHERE version = \(bind: migration.version)").first()
                guard existing == nil else { return false }
                try await migration.apply(db, database.dialect)
                try await db.raw(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Int64(Date().timeIntervalSince1970 * 1000)))"
                ).run()
                return true
            }
            if didApply {
                logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                applied.append(migration.version)
            }
        }
        return applied
    }

    /// The newest applied version, or 0 on an empty database; `/readyz` compares it with `latestVersion`.
    public func currentVersion() async throws -> Int {
        try await database.withConnection { db in
            guard let row = try await db.raw("SELECT MAX(version) AS version FROM schema_migrations").first() else { return 0 }
            return try row.decodeNil(column: "version") ? 0 : row.decode(column: "version", as: Int.self)
        }
    }
}
