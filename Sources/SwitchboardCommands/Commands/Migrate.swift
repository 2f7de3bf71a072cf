import ArgumentParser
import SwitchboardStore

/// `switchboard migrate`: applies the schema migrations the database lacks.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply database migrations.")

    @OptionGroup var shared: SharedOptions

    func run() async throws {
        let logger = shared.logger()
        let database = try await Database.open(try shared.database(), logger: logger)
        let applied = try await database.whileRunning { try await Migrator(database: database).migrate(logger: logger) }
        print(applied.isEmpty ? "The database is up to date (version \(Migrator.latestVersion))." : "Applied migrations \(applied).")
    }
}
