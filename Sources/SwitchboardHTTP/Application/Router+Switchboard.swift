import Hummingbird
import SwitchboardEngine

/// Builds every route of SPEC §9 over the given dependencies, and what `pages` adds (the web UI); tests call it
/// without a server.
public func buildRouter(
    _ dependencies: AppDependencies,
    pages: (Router<SwitchboardRequestContext>) -> Void = { _ in }
) -> Router<SwitchboardRequestContext> {
    let router = Router(context: SwitchboardRequestContext.self)
    router.add(middleware: ProblemMiddleware(logger: dependencies.logger))
    HealthController(dependencies: dependencies).register(on: router)
    OpenAPIController(catalogue: dependencies.catalogue, logger: dependencies.logger).register(on: router)
    OAuthController(dependencies: dependencies).register(on: router)

    let v1 = router.group("v1").add(middleware: AuthMiddleware(store: dependencies.store))
    ProvidersController(catalogue: dependencies.catalogue).register(on: v1)
    IntegrationsController(dependencies: dependencies).register(on: v1.group("integrations"))
    EventsController(dependencies: dependencies).register(on: v1.group("events"))
    DeliveriesController(dependencies: dependencies).register(on: v1.group("deliveries"))
    let workspaces = WorkspaceService(store: dependencies.store)
    JobsController(store: dependencies.store, workspaces: workspaces).register(on: v1.group("jobs"))
    NotificationsController(store: dependencies.store, workspaces: workspaces).register(on: v1.group("notifications"))
    APIKeysController(store: dependencies.store, workspaces: workspaces).register(on: v1.group("api-keys"))
    pages(router)
    // Last: middleware added after the routes runs only where no route matched.
    router.add(middleware: MethodNotAllowedMiddleware(routes: router.routes))
    return router
}
