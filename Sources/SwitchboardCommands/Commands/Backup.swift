import ArgumentParser
import Foundation
import SwitchboardStore

/// `switchboard backup --to FILE`: a consistent copy of a running SQLite database (and its key file), for the
/// operator's backups. PostgreSQL has its own tools.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy a SQLite database consistently while Switchboard runs (VACUUM INTO), with its key file if it has one."
    )

    @OptionGroup var shared: SharedOptions

    @Option(help: "The new file to write; it must not exist.")
    var to: String

    func run() async throws {
        var logger = shared.logger()
        logger.logLevel = max(logger.logLevel, .warning)
        let url = try shared.database()
        guard case .sqlite(let path) = url else {
            throw ValidationError(
                "backup copies SQLite databases; back up PostgreSQL with pg_dump or base backups, and keep SWITCHBOARD_SECRET_KEY with them"
            )
        }
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("no database at \(path)") }
        guard !FileManager.default.fileExists(atPath: to) else { throw ValidationError("\(to) exists: choose a new file") }
        let database = try await Database.open(url, logger: logger)
        let target = to
        try await database.whileRunning { try await Store(database: database).backUpSQLite(to: target) }
        // Without its key, a backup's credentials and signing secrets cannot be opened.
        let keyFile = path + ".key"
        if Environment.value("SWITCHBOARD_SECRET_KEY") == nil, FileManager.default.fileExists(atPath: keyFile) {
            try FileManager.default.copyItem(atPath: keyFile, toPath: to + ".key")
            print("Backed up \(path) to \(to), and its key file to \(to).key.")
        } else {
            print("Backed up \(path) to \(to). Keep SWITCHBOARD_SECRET_KEY with it: the backup's credentials need it.")
        }
    }
}
