import Foundation
import Hummingbird
import SwitchboardEngine
import SwitchboardHTTP

/// The web UI: Settings > Integrations for workspace managers (and, read only, members), served by `serve` and
/// `demo` beside the API. Pages are rendered on the server from templates compiled into the binary; sign-in
/// exchanges an API key or a one-time link for a session cookie.
public struct WebUI: Sendable {
    let dependencies: AppDependencies
    let pages: PageRenderer
    let signIn: SignInService

    public init(dependencies: AppDependencies) {
        self.dependencies = dependencies
        // Where "Connect with …" leads: the consent pages of the providers whose OAuth app the operator configured,
        // and Switchboard's own public address, where it starts, when browsers reach it by another name.
        let consentURLs = dependencies.catalogue.providerList.compactMap { $0.configuredOAuth?.authorizationURL(state: "") }
        let formTargets = (consentURLs + [dependencies.publicURL]).compactMap(Self.origin)
        // The templates are part of the binary: one that does not parse is a build defect, caught by every UI test.
        do {
            self.pages = try PageRenderer(formTargets: formTargets)
        } catch {
            preconditionFailure("a template of the web UI does not parse: \(error)")
        }
        self.signIn = SignInService(store: dependencies.store)
    }

    /// `scheme://host[:port]` of a URL, as a Content-Security-Policy source; nil when it has none.
    static func origin(of url: String) -> String? {
        guard let url = URL(string: url), let scheme = url.scheme, let host = url.host() else { return nil }
        return "\(scheme)://\(host)\(url.port.map { ":\($0)" } ?? "")"
    }

    /// Adds the UI's routes: assets and sign-in for everyone, the rest behind a session.
    public func register(on router: Router<SwitchboardRequestContext>) {
        Assets.register(on: router)
        let cookies = SessionCookie(secure: dependencies.servedOverHTTPS)
        SignInPages(signIn: signIn, pages: pages, cookies: cookies, throttle: SignInThrottle()).register(on: router)
        let signedIn = router.group().add(middleware: PageErrorMiddleware(pages: pages)).add(
            middleware: SessionMiddleware(signIn: signIn, pages: pages, cookies: cookies)
        )
        let integrations = IntegrationPages(dependencies: dependencies, pages: pages, cookies: cookies)
        integrations.register(on: signedIn)
        IntegrationActions(pages: integrations).register(on: signedIn)
        let workspaces = WorkspaceService(store: dependencies.store)
        JobPages(pages: integrations, workspaces: workspaces).register(on: signedIn)
        DeliveryPages(pages: integrations).register(on: signedIn)
        NotificationPages(pages: integrations, workspaces: workspaces).register(on: signedIn)
        router.add(middleware: NotFoundPageMiddleware(pages: pages))
    }
}
