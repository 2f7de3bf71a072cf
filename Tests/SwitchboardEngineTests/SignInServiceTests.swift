import Foundation
import SwitchboardEngine
import SwitchboardStore
import SwitchboardTestSupport
import Testing

@Suite("Signing in to the web UI")
struct SignInServiceTests {
    @Test("a one-time link signs in once, with its role, and not after an hour", arguments: StoreEngine.allCases)
    func oneTimeLinks(_ engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let service = SignInService(store: store)
            let workspace = try await store.createWorkspace(name: "Acme")
            let now = Date()
            let link = try #require(try await service.makeLink(workspaceID: workspace.id, role: .member, now: now))
            let signedIn = try #require(try await service.redeem(link: link, now: now.addingTimeInterval(60)))
            #expect(signedIn.session.workspaceId == workspace.id)
            #expect(signedIn.session.role == .member)
            #expect(try await service.session(token: signedIn.token, now: now.addingTimeInterval(120))?.role == .member)
            #expect(try await service.redeem(link: link, now: now.addingTimeInterval(61)) == nil, "a link signs in once")

            let late = try #require(try await service.makeLink(workspaceID: workspace.id, role: .manager, now: now))
            #expect(try await service.redeem(link: late, now: now.addingTimeInterval(SignInService.linkLifetime + 1)) == nil)
            #expect(try await service.redeem(link: "sbl_made-up", now: now) == nil)
            #expect(try await service.makeLink(workspaceID: "wsp_none", role: .manager) == nil)
        }
    }

    @Test("a session lasts its lifetime, ends at sign-out, and ends when its API key is revoked", arguments: StoreEngine.allCases)
    func sessions(_ engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            let service = SignInService(store: store)
            let workspace = try await store.createWorkspace(name: "Acme")
            let (_, manager) = try await store.createAPIKey(workspaceID: workspace.id, role: .manager, label: "m")
            let (memberKey, member) = try await store.createAPIKey(workspaceID: workspace.id, role: .member, label: "r")
            let now = Date()
            #expect(try await service.signIn(apiKey: "sb_mgr_wrong", now: now) == nil)

            let managerSession = try #require(try await service.signIn(apiKey: manager, now: now))
            #expect(managerSession.session.role == .manager)
            #expect(try await service.session(token: managerSession.token, now: now.addingTimeInterval(SignInService.sessionLifetime - 1)) != nil)
            #expect(try await service.session(token: managerSession.token, now: now.addingTimeInterval(SignInService.sessionLifetime + 1)) == nil)
            try await service.signOut(token: managerSession.token)
            #expect(try await service.session(token: managerSession.token, now: now) == nil)

            let memberSession = try #require(try await service.signIn(apiKey: member, now: now))
            #expect(try await service.session(token: memberSession.token, now: now)?.role == .member)
            #expect(try await store.revokeAPIKey(workspaceID: workspace.id, id: memberKey.id) == .revoked)
            #expect(try await service.session(token: memberSession.token, now: now) == nil, "revoking the key ends its sessions")
        }
    }
}
