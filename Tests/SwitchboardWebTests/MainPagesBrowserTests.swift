import Foundation
import SwitchboardDomain
import SwitchboardTestSupport
import Testing

extension BrowserTests {
    @Suite("The main pages: accessibility, weight, first render, screenshots")
    struct MainPagesBrowserTests {
        /// Bytes transferred for the page and everything it loaded, and the first contentful paint in ms.
        /// (Read after two frames, once the browser has painted.)
        static let measure = """
            const done = arguments[arguments.length - 1];
            requestAnimationFrame(() => requestAnimationFrame(() => {
                const navigation = performance.getEntriesByType("navigation")[0];
                const resources = performance.getEntriesByType("resource");
                const paint = performance.getEntriesByName("first-contentful-paint")[0];
                done({bytes: (navigation ? navigation.transferSize || navigation.encodedBodySize : 0)
                        + resources.reduce((sum, r) => sum + (r.transferSize || r.encodedBodySize || 0), 0),
                      paint: paint ? paint.startTime : -1,
                      loaded: navigation ? navigation.domContentLoadedEventEnd : -1});
            }));
            """

        /// Where `SWITCHBOARD_SCREENSHOTS=1 swift test --filter MainPagesBrowserTests` writes the README's screenshots.
        static let screenshots: URL? = {
            guard ProcessInfo.processInfo.environment["SWITCHBOARD_SCREENSHOTS"] == "1" else { return nil }
            return URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appending(path: "docs/screenshots")
        }()

        @Test("every main page has no serious accessibility violation and weighs under 150 KB, on a desktop and on a phone")
        func mainPages() async throws {
            let axe = try await AxeCheck.source()
            try await DemoServer.with { demo in
                // Some history for the log, the chart and the bell.
                for index in 1...12 {
                    _ = try await demo.api(
                        .POST,
                        "/v1/events",
                        #"{"type":"registration.created","idempotency_key":"s\#(index)","data":{"broadcast":{"id":"brd_7","title":"Launch week"},"registrant":{"email":"guest\#(index)@example.com"}}}"#
                    )
                }
                let integrations = try await demo.api(.GET, "/v1/integrations")["data"]?.arrayValue ?? []
                let webhook = try #require(integrations.first { $0["provider"] == "webhook" }?["id"]?.stringValue)
                let hubspot = try #require(integrations.first { $0["provider"] == "hubspot" }?["id"]?.stringValue)
                let job = try #require(try await demo.api(.POST, "/v1/integrations/\(hubspot)/resync", "{}")["id"]?.stringValue)
                _ = try await demo.api(.POST, "/v1/integrations/\(webhook)/pause")
                let pages: [(name: String, path: String)] = [
                    ("integrations", "/settings/integrations"),
                    ("add-integration", "/settings/integrations/new"),
                    ("connect-hubspot", "/settings/integrations/new/hubspot"),
                    ("manage-webhook", "/settings/integrations/\(webhook)"),
                    ("manage-hubspot", "/settings/integrations/\(hubspot)"),
                    ("deliveries", "/settings/integrations/\(webhook)/deliveries"),
                    ("resync", "/settings/jobs/\(job)"),
                    ("notifications", "/notifications"),
                ]
                for (device, width, height) in [("desktop", 1280, 900), ("phone", 390, 844)] {
                    try await WebDriver.withBrowser(width: width, height: height, phone: device == "phone") { browser in
                        try await browser.open("\(demo.url)/sign-in")
                        let signInViolations = try await AxeCheck.seriousViolations(in: browser, axe: axe)
                        #expect(signInViolations.isEmpty, "sign-in on a \(device): \(signInViolations)")
                        try await browser.signIn(at: demo.url, apiKey: demo.apiKey)
                        for page in pages {
                            try await browser.open(demo.url + page.path)
                            let figures = try await browser.runAsync(Self.measure)
                            let bytes = Int(figures["bytes"]?.numberValue ?? 0)
                            let paint = figures["paint"]?.numberValue ?? -1
                            let loaded = figures["loaded"]?.numberValue ?? -1
                            print(
                                "page \(page.name) (\(device)): \(bytes) bytes transferred, first contentful paint \(Int(paint)) ms, DOM ready \(Int(loaded)) ms"
                            )
                            #expect(bytes > 0 && bytes < 150_000, "\(page.name): \(bytes) bytes")
                            // The screenshot first: axe scrolls the page as it checks contrast.
                            if let folder = Self.screenshots {
                                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                                try await browser.screenshot().write(to: folder.appending(path: "\(page.name)-\(device).png"))
                            }
                            let violations = try await AxeCheck.seriousViolations(in: browser, axe: axe)
                            #expect(violations.isEmpty, "\(page.name) on a \(device): \(violations)")
                        }
                    }
                }
            }
        }
    }
}
