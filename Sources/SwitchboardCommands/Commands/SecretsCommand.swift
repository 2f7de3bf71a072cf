import ArgumentParser
import SwitchboardEngine
import SwitchboardStore

/// `switchboard secrets …`: the operator's key for credentials and signing secrets.
struct SecretsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secrets",
        abstract: "Manage the key that encrypts credentials and signing secrets.",
        subcommands: [RotateKey.self]
    )

    /// `switchboard secrets rotate-key`: re-seals every stored secret under `SWITCHBOARD_SECRET_KEY`, opening those
    /// sealed under `SWITCHBOARD_SECRET_KEY_PREVIOUS`.
    struct RotateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Re-seal every stored secret under the new key.",
            discussion: """
                Set SWITCHBOARD_SECRET_KEY to the new key and SWITCHBOARD_SECRET_KEY_PREVIOUS to the old one (several, \
                comma-separated), for this command and for every serve and worker process; restart them, run this, and \
                once it reports nothing left under the old key, drop SWITCHBOARD_SECRET_KEY_PREVIOUS. Processes also \
                re-seal at start-up; this command says what it did and fails if any secret opens with none of the keys.
                """
        )

        @OptionGroup var shared: SharedOptions

        func run() async throws {
            let logger = shared.logger()
            let url = try shared.database()
            let secrets = try SecretKeyLoader.load(for: url, logger: logger)
            let database = try await Database.open(url, logger: logger)
            let report = try await database.whileRunning {
                try await Migrator(database: database).migrate(logger: logger)
                return try await SecretResealing(store: Store(database: database), secrets: secrets).run()
            }
            print("Re-sealed \(report.resealed) secrets under the current key; \(report.current) already were.")
            guard report.unreadable.isEmpty else {
                throw ValidationError(
                    "\(report.unreadable.count) integrations hold secrets that no configured key opens: "
                        + report.unreadable.joined(separator: ", ") + ". Add the key they were sealed with to SWITCHBOARD_SECRET_KEY_PREVIOUS."
                )
            }
        }
    }
}
