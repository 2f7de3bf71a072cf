import Logging
import Prometheus
import SwitchboardEngine
import SwitchboardStore

/// What the HTTP layer needs, built once by the command that starts the server.
public struct AppDependencies: Sendable {
    public var store: Store
    public var integrations: IntegrationService
    /// The providers this process can connect (`GET /v1/providers`).
    public var catalogue: ProviderCatalogue
    public var localDispatch: LocalDispatch
    /// Where `/metrics` reads from; the process bootstraps swift-metrics with it.
    public var metrics: PrometheusCollectorRegistry
    /// Where browsers reach Switchboard (`SWITCHBOARD_PUBLIC_URL`, no trailing slash): OAuth start links.
    public var publicURL: String
    public var logger: Logger

    /// Whether browsers reach Switchboard over https: cookies are then Secure.
    public var servedOverHTTPS: Bool { publicURL.lowercased().hasPrefix("https://") }

    public init(
        store: Store,
        integrations: IntegrationService,
        catalogue: ProviderCatalogue = ProviderCatalogue(),
        localDispatch: LocalDispatch,
        metrics: PrometheusCollectorRegistry,
        publicURL: String = "http://127.0.0.1:8080",
        logger: Logger
    ) {
        self.store = store
        self.integrations = integrations
        self.catalogue = catalogue
        self.localDispatch = localDispatch
        self.metrics = metrics
        self.publicURL = publicURL
        self.logger = logger
    }
}
