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
        // The templates are part of the binary: one that does not parse is a build defect, caught by every UI test.
        // Where "Connect with …" leads: the consent pages of the providers whose OAuth app the operator configured.
        let consentOrigins = dependencies.catalogue.providerList.compactMap { provider -> String? in
            guard let url = provider.configuredOAuth?.authorizationURL(state: "").flatMap(URL.init(string:)),
                let scheme = url.scheme, let host = url.host()
            else { return nil }
            return "\(scheme)://\(host)\(url.port.map { ":\($0)" } ?? "")"
        }
        // And Switchboard's own public address, where "Connect with …" starts, when browsers reach it by another name.
        let publicOrigin = URL(string: dependencies.publicURL).flatMap { url -> String? in
            guard let scheme = url.scheme, let host = url.host() else { return nil }
            return "\(scheme)://\(host)\(url.port.map { ":\($0)" } ?? "")"
        }
        do {
            self.pages = try PageRenderer(formTargets: consentOrigins + (publicOrigin.map { [$0] } ?? []))
        } catch {
            preconditionFailure("a template of the web UI does not parse: \(error)")
        }
        self.signIn = SignInService(store: dependencies.store)
    }

    /// Adds the UI's routes: assets and sign-in for everyone, the rest behind a session.
    public func register(on router: Router<SwitchboardRequestContext>) {
        Assets.register(on: router)
        SignInPages(signIn: signIn, pages: pages, secure: dependencies.publicURL.lowercased().hasPrefix("https://")).register(on: router)
        let signedIn = router.group().add(middleware: PageErrorMiddleware(pages: pages)).add(
            middleware: SessionMiddleware(signIn: signIn, pages: pages)
        )
        let integrations = IntegrationPages(dependencies: dependencies, pages: pages)
        integrations.register(on: signedIn)
        IntegrationActions(pages: integrations).register(on: signedIn)
        let workspaces = WorkspaceService(store: dependencies.store)
        JobPages(pages: integrations, workspaces: workspaces).register(on: signedIn)
        DeliveryPages(pages: integrations).register(on: signedIn)
        NotificationPages(pages: integrations, workspaces: workspaces).register(on: signedIn)
    }
}
