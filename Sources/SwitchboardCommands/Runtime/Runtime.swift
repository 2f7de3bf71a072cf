import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardHTTP
import SwitchboardProviders
import SwitchboardStore
import SwitchboardWeb

/// The assembled parts of a running Switchboard process: store, engine and (for `serve`) the HTTP app.
public final class Runtime: Sendable {
    public let database: Database
    public let store: Store
    public let secrets: SecretBox
    /// The providers' HTTP client.
    public let client: HTTPClient
    /// The webhook attempts' clients, one per checked destination.
    public let webhookClients: PinnedClients
    public let dispatcher: DeliveryDispatcher
    public let validationSweep: ValidationSweep
    /// Removes history older than the retention; nil when everything is kept.
    public let historyRetention: HistoryRetention?
    public let rateBudgetSharing: RateBudgetSharing
    public let resyncRunner: ResyncRunner
    public let bulkRedelivery: BulkRedelivery
    public let mailer: NotificationMailer?
    /// Relays paused-integration notices to the integrations that want them (Slack's integration alerts).
    public let alertRelay: AlertRelay
    public let dependencies: AppDependencies
    public let logger: Logger

    init(
        database: Database,
        store: Store,
        secrets: SecretBox,
        client: HTTPClient,
        webhookClients: PinnedClients,
        dispatcher: DeliveryDispatcher,
        validationSweep: ValidationSweep,
        historyRetention: HistoryRetention?,
        rateBudgetSharing: RateBudgetSharing,
        resyncRunner: ResyncRunner,
        bulkRedelivery: BulkRedelivery,
        mailer: NotificationMailer?,
        alertRelay: AlertRelay,
        dependencies: AppDependencies,
        logger: Logger
    ) {
        self.mailer = mailer
        self.alertRelay = alertRelay
        self.validationSweep = validationSweep
        self.historyRetention = historyRetention
        self.rateBudgetSharing = rateBudgetSharing
        self.resyncRunner = resyncRunner
        self.bulkRedelivery = bulkRedelivery
        self.database = database
        self.store = store
        self.secrets = secrets
        self.client = client
        self.webhookClients = webhookClients
        self.dispatcher = dispatcher
        self.dependencies = dependencies
        self.logger = logger
    }

    /// The process-wide metrics registry; swift-metrics can be bootstrapped once per process.
    static let metrics: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    /// Opens the database and wires the engine; nothing runs until `run`.
    public static func make(databaseURL: DatabaseURL, engine: EngineSettings, logger: Logger) async throws -> Runtime {
        ProcessMemory.limitAllocatorArenas()
        let metrics = Self.metrics
        let secrets = try SecretKeyLoader.load(for: databaseURL, logger: logger)
        let database = try await Database.open(databaseURL, logger: logger)
        let store = Store(database: database)
        var configuration = DispatcherConfiguration()
        if let maxInFlight = engine.maxInFlight { configuration.maxInFlight = maxInFlight }
        // The lease must outlast an attempt (15 s timeout) and some waiting, or a live worker could lose its claim.
        if let lease = engine.leaseSeconds { configuration.lease = max(lease, DispatcherConfiguration.minimumLease) }
        if let scale = engine.retryScale { configuration.schedule = RetrySchedule.standard.scaled(by: scale) }
        let clientConfiguration = WebhookSender.clientConfiguration(connectionsPerHost: configuration.maxInFlightPerIntegration)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        let webhookClients = PinnedClients(configuration: clientConfiguration)
        let endpointGuard = EndpointGuard(allowPrivateTargets: engine.allowPrivateTargets)
        let sender = WebhookSender(clients: webhookClients, endpointGuard: endpointGuard)
        let localDispatch = LocalDispatch()
        let catalogue = Providers.catalogue(http: client, settings: engine.providers)
        let sessions = ProviderSessions()
        let dispatcher = DeliveryDispatcher(
            store: store,
            sender: sender,
            secrets: secrets,
            configuration: configuration,
            localDispatch: localDispatch,
            catalogue: catalogue,
            sessions: sessions,
            logger: logger
        )
        let integrations = IntegrationService(
            store: store,
            secrets: secrets,
            endpointGuard: endpointGuard,
            sender: sender,
            catalogue: catalogue,
            sessions: sessions,
            limits: engine.limits,
            dispatch: localDispatch
        )
        let validationSweep = ValidationSweep(
            store: store,
            integrations: integrations,
            interval: .milliseconds(Int64(max(1, engine.validationInterval) * 1000)),
            logger: logger
        )
        let historyRetention = engine.retentionDays > 0 ? HistoryRetention(store: store, days: engine.retentionDays, logger: logger) : nil
        let mailer = try engine.smtpURL.map { url in
            NotificationMailer(store: store, smtp: SMTPClient(configuration: try SMTPConfiguration(url: url)), logger: logger)
        }
        if mailer == nil { logger.notice("SWITCHBOARD_SMTP_URL is not set: notifications are in-app only") }
        // A resync job's lease is the deliveries' lease: a killed worker's job is continued by another after it.
        let resyncRunner = ResyncRunner(
            store: store,
            integrations: integrations,
            workerID: configuration.workerID,
            lease: configuration.lease,
            logger: logger
        )
        let dependencies = AppDependencies(
            store: store,
            integrations: integrations,
            catalogue: catalogue,
            localDispatch: localDispatch,
            metrics: metrics,
            publicURL: engine.publicURL,
            logger: logger
        )
        if engine.allowPrivateTargets { logger.warning("private and loopback webhook targets are allowed: for development and tests only") }
        return Runtime(
            database: database,
            store: store,
            secrets: secrets,
            client: client,
            webhookClients: webhookClients,
            dispatcher: dispatcher,
            validationSweep: validationSweep,
            historyRetention: historyRetention,
            rateBudgetSharing: RateBudgetSharing(store: store, sessions: sessions, workerID: configuration.workerID, logger: logger),
            resyncRunner: resyncRunner,
            bulkRedelivery: BulkRedelivery(
                store: store,
                localDispatch: localDispatch,
                workerID: configuration.workerID,
                lease: configuration.lease,
                logger: logger
            ),
            mailer: mailer,
            alertRelay: AlertRelay(store: store, localDispatch: localDispatch, logger: logger),
            dependencies: dependencies,
            logger: logger
        )
    }

    /// The HTTP application on `host:port`.
    public func application(host: String, port: Int, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(
            router: buildRouter(dependencies) { WebUI(dependencies: dependencies).register(on: $0) },
            configuration: .init(address: .hostname(host, port: port), serverName: "Switchboard"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    /// Applies migrations, then runs the HTTP client, the dispatcher and the services that `services` makes
    /// until SIGINT/SIGTERM. The group stops in reverse order (app first, then dispatcher, then client), and
    /// the database closes last.
    public func run(dispatch: Bool = true, services makeServices: () async throws -> [any Service]) async throws {
        try await database.whileRunning {
            try await Migrator(database: database).migrate(logger: logger)
            try await resealSecrets()
            var services: [any Service] = [HTTPClientService(client: client, webhookClients: webhookClients)]
            if dispatch {
                services += [dispatcher, validationSweep, rateBudgetSharing, resyncRunner, bulkRedelivery, alertRelay]
                if let historyRetention { services.append(historyRetention) }
                if let mailer { services.append(mailer) }
            }
            services += try await makeServices()
            let group = ServiceGroup(
                configuration: .init(services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            )
            try await group.run()
        }
    }

    /// Brings every sealed value to the current form and key before anything opens one (`SecretResealing`).
    func resealSecrets() async throws {
        let report = try await SecretResealing(store: store, secrets: secrets).run()
        if report.resealed > 0 { logger.notice("re-sealed stored secrets under the current key", metadata: ["count": "\(report.resealed)"]) }
        if !report.unreadable.isEmpty {
            logger.error(
                "some integrations' secrets open with no configured key: set SWITCHBOARD_SECRET_KEY_PREVIOUS to the key they were sealed with",
                metadata: ["integrations": "\(report.unreadable.joined(separator: ","))"]
            )
        }
    }
}
