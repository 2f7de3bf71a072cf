import AsyncHTTPClient
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

        @Test("an address that is no page answers a page that says so; the API's paths and JSON clients keep problem documents")
        func pageNotFound() async throws {
            try await DemoServer.with { demo in
                try await WebDriver.withBrowser { browser in
                    try await browser.open("\(demo.url)/settings/integratons")
                    #expect(try await browser.text("h1") == "Page not found")
                    #expect(try await browser.attribute("href", of: try await browser.find("a", containing: "Back")) == "/settings/integrations")
                }
                for (path, accept) in [("/settings/integratons", "application/json"), ("/v1/nothing-here", "text/html")] {
                    var request = HTTPClientRequest(url: demo.url + path)
                    request.headers.add(name: "accept", value: accept)
                    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                    #expect(response.status == .notFound)
                    #expect(response.headers.first(name: "content-type") == "application/problem+json", "\(path) for \(accept)")
                }
            }
        }
    }
}
