import AsyncHTTPClient
import Foundation
import SwitchboardDomain
import SwitchboardTestSupport
import Testing

extension BrowserTests {
    @Suite("Who may do what in the web UI")
    struct AccessBrowserTests {
        /// The status of a form post made from the page itself, with the fields given (and no others).
        static let post = """
            const [path, fields, done] = arguments;
            fetch(path, {method: "POST", body: new URLSearchParams(fields), redirect: "manual"})
                .then(response => done(response.status || 303), () => done(-1));
            """

        @Test("the session cookie is HttpOnly and SameSite=Strict, and a form post without the session's CSRF token changes nothing")
        func csrf() async throws {
            try await DemoServer.with { demo in
                try await WebDriver.withBrowser { browser in
                    try await browser.signIn(link: demo.signInLink)
                    let session = try #require(try await browser.cookies().first { $0["name"]?.stringValue == "sb_session" })
                    #expect(session["httpOnly"] == .bool(true))
                    #expect(session["sameSite"]?.stringValue == "Strict")
                    #expect(try await browser.run("return document.cookie").stringValue?.contains("sb_session") == false)

                    let integration = try await Self.firstIntegration(demo)
                    let path = "/settings/integrations/\(integration)/pause"
                    let refusedWithout = try await browser.runAsync(Self.post, [.string(path), [:]])
                    let refusedForged = try await browser.runAsync(Self.post, [.string(path), ["csrf": "forged"]])
                    #expect(refusedWithout == 403)
                    #expect(refusedForged == 403)
                    #expect(try await Self.status(demo, integration) == "active", "nothing changed")

                    let token = try await browser.run("return document.querySelector('input[name=csrf]').value")
                    #expect(try await browser.runAsync(Self.post, [.string(path), ["csrf": token]]) == 303)
                    #expect(try await Self.status(demo, integration) == "paused", "the same post with the token pauses it")

                    // Sign out: the session ends, and the pages ask to sign in again.
                    try await browser.open("\(demo.url)/settings/integrations")
                    try await browser.click(try await browser.find("button", containing: "Sign out"))
                    try await browser.waitForURL(containing: "/sign-in")
                    try await browser.open("\(demo.url)/settings/integrations")
                    try await browser.waitForURL(containing: "/sign-in?next=")
                    #expect(try await browser.findAll("#api-key").count == 1)
                }
            }
        }

        @Test("a member sees every integration but no action, and a member's post is refused")
        func members() async throws {
            try await DemoServer.with { demo in
                let created = try await demo.api(.POST, "/v1/api-keys", #"{"role":"member","label":"browser member"}"#)
                let memberKey = try #require(created["key"]?.stringValue)
                try await WebDriver.withBrowser { browser in
                    try await browser.signIn(at: demo.url, apiKey: memberKey)
                    #expect(try await browser.text(".who").contains("Member"))
                    #expect(try await browser.findAll("[data-integration]").count == 4)
                    #expect(try await browser.findAll("a[href='/settings/integrations/new']").isEmpty, "no Add integration")

                    let integration = try await Self.firstIntegration(demo)
                    try await browser.open("\(demo.url)/settings/integrations/\(integration)")
                    #expect(try await browser.findAll(".drawer .actions button").isEmpty, "no actions")
                    #expect(try await browser.text(".drawer").contains("You are a member"))
                    #expect(try await browser.property("disabled", of: try await browser.find(".drawer #settings fieldset")) == .bool(true))

                    let token = try await browser.run("return document.querySelector('input[name=csrf]').value")
                    let path = "/settings/integrations/\(integration)/pause"
                    #expect(try await browser.runAsync(Self.post, [.string(path), ["csrf": token]]) == 403)
                    #expect(try await Self.status(demo, integration) == "active")
                }
            }
        }

        static func firstIntegration(_ demo: DemoServer) async throws -> String {
            try #require(try await demo.api(.GET, "/v1/integrations")["data"]?.arrayValue?.first?["id"]?.stringValue)
        }

        static func status(_ demo: DemoServer, _ id: String) async throws -> String? {
            try await demo.api(.GET, "/v1/integrations/\(id)")["status"]?.stringValue
        }
    }
}
