import Foundation
import Testing

extension BrowserTests {
    @Suite("Signing in to the web UI, in headless Chromium")
    struct SignInBrowserTests {
        @Test("the demo's one-time link signs a manager in to Settings > Integrations, once")
        func oneTimeLink() async throws {
            try await DemoServer.with { demo in
                try await WebDriver.withBrowser { browser in
                    try await browser.open(demo.signInLink)
                    // The link says where it leads before it is used.
                    #expect(try await browser.text("form").contains("Demo workspace as a manager"))
                    try await browser.click("button[type=submit]")
                    try await browser.waitForURL(containing: "/settings/integrations")
                    #expect(try await browser.text("h1") == "Integrations")
                    // The same link again: used up, said at once.
                    try await browser.open(demo.signInLink)
                    #expect(try await browser.text(".alert").contains("not valid"))
                }
            }
        }
    }
}
