import ArgumentParser
import Foundation
import Logging
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardProviders
import SwitchboardStore

/// Options shared by the commands, each with its `SWITCHBOARD_*` environment variable.
struct SharedOptions: ParsableArguments {
    @Option(help: "Database URL: sqlite://FILE or postgres://… (env SWITCHBOARD_DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error (env SWITCHBOARD_LOG_LEVEL).")
    var logLevel: String?

    /// The database URL: flag, then environment, then `sqlite://switchboard.db`.
    func database() throws -> DatabaseURL {
        try DatabaseURL(databaseURL ?? Environment.value("SWITCHBOARD_DATABASE_URL") ?? "sqlite://switchboard.db")
    }

    /// A logger at the configured level.
    func logger(_ label: String = "switchboard") -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = (logLevel ?? Environment.value("SWITCHBOARD_LOG_LEVEL")).flatMap(Logger.Level.init(rawValue:)) ?? .info
        return logger
    }
}

/// Options of the commands that send deliveries.
struct EngineOptions: ParsableArguments {
    @Flag(help: "Allow loopback/private targets and plain http:// (development and tests; env SWITCHBOARD_ALLOW_PRIVATE_TARGETS=1).")
    var allowPrivateTargets = false

    @Option(help: "Attempts in flight at once (env SWITCHBOARD_MAX_IN_FLIGHT).")
    var maxInFlight: Int?

    @Option(help: "Multiply the retry schedule, e.g. 0.001 for tests (env SWITCHBOARD_RETRY_SCALE).")
    var retryScale: Double?

    @Option(help: "Seconds a claim lasts before another worker may take the delivery (env SWITCHBOARD_LEASE_SECONDS).")
    var leaseSeconds: Double?

    @Option(
        help: ArgumentHelp(
            "A provider setting, NAME=VALUE, over its environment variable (repeatable; give secrets by environment: ps shows flags); the settings are listed below.",
            valueName: "NAME=VALUE"
        )
    )
    var providerOption: [String] = []

    @Option(help: "SMTP relay for email notifications: smtp://user:pass@host:587?from=alerts@example.com (env SWITCHBOARD_SMTP_URL).")
    var smtpURL: String?

    @Option(help: "Seconds between validation sweeps of CRM and email integrations (env SWITCHBOARD_VALIDATION_INTERVAL; default 3600).")
    var validationInterval: Double?

    @Option(help: "Days of delivery history kept for the log; 0 keeps everything (env SWITCHBOARD_RETENTION_DAYS; default 30).")
    var retentionDays: Int?

    /// The options merged with their environment variables.
    func settings() -> EngineSettings {
        var settings = EngineSettings(
            allowPrivateTargets: allowPrivateTargets || Environment.flag("SWITCHBOARD_ALLOW_PRIVATE_TARGETS"),
            maxInFlight: maxInFlight ?? Environment.value("SWITCHBOARD_MAX_IN_FLIGHT").flatMap(Int.init),
            retryScale: retryScale ?? Environment.value("SWITCHBOARD_RETRY_SCALE").flatMap(Double.init),
            leaseSeconds: leaseSeconds ?? Environment.value("SWITCHBOARD_LEASE_SECONDS").flatMap(Double.init)
        )
        // OAuth apps send managers back to <public URL>/v1/oauth/callback.
        let publicURL = Environment.publicURL
        settings.publicURL = publicURL
        settings.providers = ProviderSettings(providerValues(), publicURL: publicURL)
        settings.smtpURL = smtpURL ?? Environment.value("SWITCHBOARD_SMTP_URL")
        settings.validationInterval = validationInterval ?? Environment.value("SWITCHBOARD_VALIDATION_INTERVAL").flatMap(Double.init) ?? 3600
        settings.retentionDays = retentionDays ?? Environment.value("SWITCHBOARD_RETENTION_DAYS").flatMap(Int.init) ?? 30
        let defaults = IntegrationLimits()
        settings.limits = IntegrationLimits(
            integrationsPerWorkspace: Environment.value("SWITCHBOARD_MAX_INTEGRATIONS").flatMap(Int.init) ?? defaults.integrationsPerWorkspace,
            broadcastsPerResync: Environment.value("SWITCHBOARD_MAX_RESYNC_BROADCASTS").flatMap(Int.init) ?? defaults.broadcastsPerResync,
            testsPerMinute: Environment.value("SWITCHBOARD_TESTS_PER_MINUTE").flatMap(Int.init) ?? defaults.testsPerMinute
        )
        return settings
    }
}

extension EngineOptions {
    /// The providers' settings: each option from `--provider-option`, else its environment variable.
    func providerValues() -> [String: String] {
        var values: [String: String] = [:]
        for option in Providers.options { values[option.name] = Environment.value(option.name) }
        for given in providerOption {
            let parts = given.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { values[parts[0]] = parts[1] }
        }
        return values
    }

    /// `validate` refuses a `--provider-option` that no provider reads, or that is not NAME=VALUE.
    func validate() throws {
        let known = Set(Providers.options.map(\.name))
        for given in providerOption {
            let name = given.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            guard given.contains("="), known.contains(name) else {
                throw ValidationError("--provider-option \(given): expected NAME=VALUE with NAME one of \(known.sorted().joined(separator: ", "))")
            }
        }
    }

    /// The providers' settings for `--help`: each environment variable and what it sets.
    static var providerHelp: String {
        "Provider settings (environment, or --provider-option NAME=VALUE):\n"
            + Providers.options.map { "  \($0.name): \($0.help)" }.joined(separator: "\n")
    }
}

/// What a process asks of its engine.
public struct EngineSettings: Sendable {
    public var allowPrivateTargets = false
    public var maxInFlight: Int?
    public var retryScale: Double?
    public var leaseSeconds: Double?
    /// The providers' settings (`Providers.options`): API URLs (the emulators in tests and the demo), rate limits,
    /// OAuth apps.
    public var providers = ProviderSettings()
    /// Where browsers reach Switchboard (`SWITCHBOARD_PUBLIC_URL`): OAuth start links and redirects.
    public var publicURL = "http://127.0.0.1:8080"
    /// What managers may ask for: integrations per workspace, broadcasts per resync, tests per minute.
    public var limits = IntegrationLimits()
    /// Seconds between validation sweeps of contact-sync integrations.
    public var validationInterval: Double = 3600
    /// Days of delivery history kept (`HistoryRetention`); 0 or less keeps everything.
    public var retentionDays = 30
    /// The SMTP relay that emails notifications to managers; none: notifications stay in-app only.
    public var smtpURL: String?

    public init(allowPrivateTargets: Bool = false, maxInFlight: Int? = nil, retryScale: Double? = nil, leaseSeconds: Double? = nil) {
        self.allowPrivateTargets = allowPrivateTargets
        self.maxInFlight = maxInFlight
        self.retryScale = retryScale
        self.leaseSeconds = leaseSeconds
    }
}

/// Reading the process environment.
enum Environment {
    static func value(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }

    static func flag(_ name: String) -> Bool {
        ["1", "true", "yes", "on"].contains(value(name)?.lowercased() ?? "")
    }

    /// Where browsers reach Switchboard (`SWITCHBOARD_PUBLIC_URL`, without a trailing slash): OAuth redirects and
    /// sign-in links start with it.
    static var publicURL: String {
        (value("SWITCHBOARD_PUBLIC_URL") ?? "http://127.0.0.1:8080").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
    }
}

/// Opens the secret box: `SWITCHBOARD_SECRET_KEY`, or for SQLite a key file beside the database, made on first use;
/// with the keys of `SWITCHBOARD_SECRET_KEY_PREVIOUS` (comma-separated) during a key rotation.
enum SecretKeyLoader {
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    static func load(for database: DatabaseURL, logger: Logger) throws -> SecretBox {
        let previous = Environment.value("SWITCHBOARD_SECRET_KEY_PREVIOUS")?.split(separator: ",").map(String.init) ?? []
        let key: String
        if let configured = Environment.value("SWITCHBOARD_SECRET_KEY") {
            key = configured
        } else {
            guard case .sqlite(let path) = database else {
                throw Missing(
                    description: "SWITCHBOARD_SECRET_KEY is required with PostgreSQL: every process must share it (e.g. openssl rand -base64 32)"
                )
            }
            let file = SecretKeyFile(path: path + ".key")
            let (encoded, created) = try file.readOrCreate()
            if created {
                logger.warning(
                    "SWITCHBOARD_SECRET_KEY is not set: generated a key file; keep it with the database, or set the variable",
                    metadata: ["file": "\(file.path)"]
                )
            }
            key = encoded
        }
        do {
            return try SecretBox(encodedKey: key, previousEncodedKeys: previous)
        } catch {
            throw Missing(description: "SWITCHBOARD_SECRET_KEY and SWITCHBOARD_SECRET_KEY_PREVIOUS must be 32 bytes as base64 or 64 hex characters")
        }
    }
}
