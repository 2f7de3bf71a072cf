import AsyncHTTPClient
import Foundation
import SwitchboardDomain
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

        @Test("ten failed sign-ins from one address: the next, even with the right key, waits and says for how long")
        func failedSignInsWait() async throws {
            // Posts the sign-in form with each key in turn, as the page would, taking the fresh form token each answer
            // carries; the statuses.
            let attempts = """
                const [keys, done] = [arguments[0], arguments[arguments.length - 1]];
                (async () => {
                    let token = document.querySelector('input[name=form_token]').value;
                    const statuses = [];
                    for (const key of keys) {
                        const response = await fetch('/sign-in', {method: 'POST', redirect: 'manual',
                            body: new URLSearchParams({form_token: token, api_key: key, next: '/settings/integrations'})});
                        statuses.push(response.status || 303);
                        const page = response.type === 'opaqueredirect' ? '' : await response.text();
                        token = (page.match(/name="form_token" value="([^"]+)"/) || [, token])[1];
                    }
                    return statuses;
                })().then(done, error => done(String(error)));
                """
            try await DemoServer.with { demo in
                try await WebDriver.withBrowser { browser in
                    try await browser.open("\(demo.url)/sign-in")
                    let wrong = (0..<10).map { JSONValue.string("sb_mgr_wrong\($0)") }
                    let statuses = try await browser.runAsync(attempts, [.array(wrong + [.string(demo.apiKey)])])
                    #expect(statuses == .array(Array(repeating: 401, count: 10) + [429]), "\(statuses)")
                    try await browser.open("\(demo.url)/sign-in")
                    try await browser.type(demo.apiKey, into: "#api-key")
                    try await browser.click("button[type=submit]")
                    #expect(try await browser.text(".alert").contains("Too many failed sign-ins from this address. Try again in"))
                }
            }
        }

        @Test("an address that is no page, or a form's, answers a page that says so; the API's paths and JSON clients keep problem documents")
        func pageNotFound() async throws {
            try await DemoServer.with { demo in
                try await WebDriver.withBrowser { browser in
                    try await browser.open("\(demo.url)/settings/integratons")
                    #expect(try await browser.text("h1") == "Page not found")
                    #expect(try await browser.attribute("href", of: try await browser.find("a", containing: "Back")) == "/settings/integrations")
                    // A form's address opened as a page.
                    try await browser.open("\(demo.url)/sign-out")
                    #expect(try await browser.text("h1") == "Not a page")
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
