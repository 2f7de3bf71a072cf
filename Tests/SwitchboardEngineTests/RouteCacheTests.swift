import Foundation
import SwitchboardDomain
import SwitchboardStore
import Testing

@testable import SwitchboardEngine

@Suite("Kept webhook routes")
struct RouteCacheTests {
    private let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func integration(version: Int64, graceEnds: Int64? = nil) -> Integration {
        var integration = Integration(
            id: "int_1",
            workspaceId: "wsp_1",
            provider: "webhook",
            label: "Hook",
            settings: "{}",
            health: IntegrationHealth(status: .active),
            signingSecret: "sealed-current",
            createdAt: version
        )
        if let graceEnds {
            integration.previousSigningSecret = "sealed-previous"
            integration.previousSecretExpiresAt = graceEnds
        }
        return integration
    }

    private func route(_ url: String) -> DeliveryDispatcher.Route { .webhook(url: url, secrets: []) }

    private func url(_ route: DeliveryDispatcher.Route?) -> String? {
        guard case .webhook(let url, _) = route else { return nil }
        return url
    }

    @Test("a route serves only the version it was made from")
    func byVersion() {
        let routes = RouteCache()
        routes.keep(route("https://a.example/hook"), of: integration(version: 100), now: now)
        #expect(url(routes.route(of: "int_1", version: 100, now: now)) == "https://a.example/hook")
        #expect(routes.route(of: "int_1", version: 101, now: now) == nil)
        #expect(routes.route(of: "int_2", version: 100, now: now) == nil)

        routes.keep(route("https://b.example/hook"), of: integration(version: 101), now: now)
        #expect(url(routes.route(of: "int_1", version: 101, now: now)) == "https://b.example/hook")
        #expect(routes.route(of: "int_1", version: 100, now: now) == nil, "the newer version replaced it")
    }

    @Test("a route signing with a previous secret serves until that secret's grace ends")
    func untilGraceEnds() {
        let routes = RouteCache()
        let graceEnds = Timestamp.milliseconds(now) + 5_000
        routes.keep(route("https://a.example/hook"), of: integration(version: 100, graceEnds: graceEnds), now: now)
        #expect(routes.route(of: "int_1", version: 100, now: now.addingTimeInterval(4.9)) != nil)
        #expect(routes.route(of: "int_1", version: 100, now: now.addingTimeInterval(5)) == nil)

        // Made after the grace ended, the route has no previous secret in it: it serves on.
        routes.keep(route("https://a.example/hook"), of: integration(version: 100, graceEnds: graceEnds), now: now.addingTimeInterval(6))
        #expect(routes.route(of: "int_1", version: 100, now: now.addingTimeInterval(3600)) != nil)
    }
}
