import Foundation
import SwitchboardTestSupport
import Testing

extension BrowserTests {
    @Suite("A webhook from the browser")
    struct WebhookBrowserTests {
        @Test("a manager connects a webhook, tests it, regenerates and copies its secret, and deletes it after confirming")
        func webhookLifecycle() async throws {
            try await TestReceiver().run { receiver in
                try await DemoServer.with { demo in
                    try await WebDriver.withBrowser { browser in
                        try await browser.signIn(link: demo.signInLink)
                        try await browser.click(try await browser.find("a.button", containing: "Add integration"))
                        try await browser.click(try await browser.find("a.choice", containing: "Webhooks"))
                        try await browser.click(try await browser.find("a.choice", containing: "Webhook"))
                        try await browser.type("Orders bridge", into: "#f-label")
                        try await browser.type("\(receiver.url)/orders", into: "#f-settings-url")
                        try await browser.tick("settings/events", "registration.created")
                        try await browser.click(try await browser.find("button[type=submit]", containing: "Save and Close"))
                        try await browser.waitForURL(containing: "done=created")
                        #expect(try await browser.text(".drawer h2") == "Orders bridge")
                        #expect(try await browser.text(".drawer .badge") == "Active")

                        // Test: the attempt is shown at once, with the endpoint's status and latency.
                        try await browser.click(try await browser.find(".drawer button", containing: "Test"))
                        let result = try await browser.text("#test-result")
                        #expect(result.contains("Test delivered"), "\(result)")
                        #expect(result.contains("204"))
                        #expect(receiver.received.first?.path == "/orders")

                        // Regenerate, then copy: the clipboard holds the new secret.
                        try await browser.grant("clipboard-read")
                        try await browser.grant("clipboard-write")
                        let before = try await browser.property("value", of: try await browser.find("#signing-secret")).stringValue
                        try await browser.click(try await browser.find(".drawer button", containing: "Regenerate secret"))
                        try await browser.waitForURL(containing: "done=rotated")
                        let after = try await browser.property("value", of: try await browser.find("#signing-secret")).stringValue
                        #expect(after != before)
                        #expect(after?.hasPrefix("whsec_") == true)
                        try await browser.click("button[data-copy=signing-secret]")
                        #expect(try await browser.text(".copied") == "Copied")
                        let copied = try await browser.runAsync("navigator.clipboard.readText().then(arguments[0], () => arguments[0](null))")
                        #expect(copied.stringValue == after)

                        // Delete asks first; keeping it changes nothing, confirming removes it.
                        try await browser.click(try await browser.find(".drawer a.button", containing: "Delete"))
                        #expect(try await browser.text("h1").contains("Delete “Orders bridge”?"))
                        try await browser.click(try await browser.find("a.button", containing: "Keep it"))
                        try await browser.click(try await browser.find(".drawer a.button", containing: "Delete"))
                        try await browser.click(try await browser.find("button", containing: "Delete integration"))
                        try await browser.waitForURL(containing: "done=deleted")
                        #expect(try await browser.findAll("[data-integration]").count == 4, "the demo's four integrations remain")
                        #expect(try await !browser.source().contains("Orders bridge"))
                    }
                }
            }
        }
    }
}
