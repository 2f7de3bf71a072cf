import Foundation
import SwitchboardTestSupport
import Testing

extension BrowserTests {
    @Suite("The web UI by keyboard alone")
    struct KeyboardBrowserTests {
        @Test("Add Integration from the first Tab to Save and Close, with Tab, Space, Enter and typing only")
        func addIntegrationByKeyboard() async throws {
            try await TestReceiver().run { receiver in
                try await DemoServer.with { demo in
                    try await WebDriver.withBrowser { browser in
                        try await browser.signIn(link: demo.signInLink)
                        #expect(try await browser.tab(to: "Skip to content", within: 1), "the first Tab reaches the skip link")
                        #expect(try await browser.tab(to: "Add integration"))
                        try await browser.press(WebDriver.Key.enter)
                        try await browser.waitForURL(containing: "/settings/integrations/new")
                        #expect(try await browser.tab(to: "Webhooks & Connectors"))
                        try await browser.press(WebDriver.Key.enter)
                        try await browser.waitForURL(containing: "category=")
                        #expect(try await browser.tab(to: "Webhook"))
                        try await browser.press(WebDriver.Key.enter)
                        try await browser.waitForURL(containing: "/new/webhook")

                        // The label has focus as the drawer opens; then each field in order.
                        #expect(try await browser.attribute("id", of: try await browser.focused()) == "f-label")
                        try await browser.press("Keyboard bridge")
                        #expect(try await browser.tab(toField: "settings/events"))
                        try await browser.press(WebDriver.Key.space)
                        #expect(try await browser.tab(toField: "settings/url"))
                        try await browser.press("\(receiver.url)/keyboard")
                        #expect(try await browser.tab(to: "Save and Close"))
                        try await browser.press(WebDriver.Key.enter)
                        try await browser.waitForURL(containing: "done=created")
                        #expect(try await browser.text(".drawer h2") == "Keyboard bridge")

                        // Escape closes the drawer.
                        try await browser.press(WebDriver.Key.escape)
                        try await browser.waitForURL(containing: "/settings/integrations")
                        #expect(try await browser.findAll(".drawer").isEmpty)
                    }
                }
            }
        }
    }
}

extension WebDriver {
    /// Presses Tab until the focused element's text is (or starts with) `text`; false after `limit` presses.
    func tab(to text: String, within limit: Int = 40) async throws -> Bool {
        for _ in 0..<limit {
            try await press(Key.tab)
            if try await self.text(try await focused()).hasPrefix(text) { return true }
        }
        return false
    }

    /// Presses Tab until the focused input is named `name`.
    func tab(toField name: String, within limit: Int = 20) async throws -> Bool {
        for _ in 0..<limit {
            try await press(Key.tab)
            if try await attribute("name", of: try await focused()) == name { return true }
        }
        return false
    }
}
