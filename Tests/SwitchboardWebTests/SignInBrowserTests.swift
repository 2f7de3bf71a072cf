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
                    try await browser.click("button[type=submit]")
                    try await browser.waitForURL(containing: "/settings/integrations")
                    #expect(try await browser.text("h1") == "Integrations")
                    // The same link again: used up.
                    try await browser.open(demo.signInLink)
                    try await browser.click("button[type=submit]")
                    #expect(try await browser.text(".alert").contains("not valid"))
                }
            }
        }
    }
}
