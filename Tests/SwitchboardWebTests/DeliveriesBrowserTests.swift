import Foundation
import SwitchboardDomain
import SwitchboardTestSupport
import Synchronization
import Testing

extension BrowserTests {
    @Suite("The deliveries log in the browser")
    struct DeliveriesBrowserTests {
        @Test("failed deliveries show their attempts and chart; Re-send one, then Re-send all failed since an hour ago")
        func resend() async throws {
            let failing = Mutex(true)
            // 500 while `failing`, then 204: the endpoint comes back.
            try await TestReceiver { _ in TestReceiver.Answer(status: failing.withLock { $0 } ? 500 : 204) }.run { receiver in
                // A schedule of ~5 s in all, so that deliveries give up (failed) within the test.
                try await ServedSwitchboard.with(retryScale: 0.00005) { served in
                    let created = try await served.api(
                        .POST,
                        "/v1/integrations",
                        #"{"provider":"webhook","label":"Flaky endpoint","settings":{"url":"\#(receiver.url)/in","events":["registration.created"]}}"#
                    )
                    let integration = try #require(created["id"]?.stringValue)
                    for index in 1...3 {
                        _ = try await served.api(
                            .POST,
                            "/v1/events",
                            #"{"type":"registration.created","idempotency_key":"f\#(index)","data":{"broadcast":{"id":"b"},"registrant":{"email":"f\#(index)@example.com"}}}"#
                        )
                    }
                    try await served.waitForDeliveries(integration, status: "failed", count: 3)
                    failing.withLock { $0 = false }
                    let link = try await served.signInLink()
                    try await WebDriver.withBrowser { browser in
                        try await browser.signIn(link: link)
                        try await browser.open("\(served.url)/settings/integrations/\(integration)")
                        try await browser.click(try await browser.find(".drawer a.button", containing: "deliveries log"))
                        try await browser.waitForURL(containing: "/deliveries")
                        #expect(try await browser.findAll("svg.chart rect.failed").count >= 1)
                        #expect(try await browser.attribute("aria-labelledby", of: try await browser.find("svg.chart")) == "chart-title")

                        // Filter to the failed ones; a delivery opens to its attempts, each a 500.
                        try await browser.click(try await browser.find("#filter-status option", containing: "failed"))
                        try await browser.click(try await browser.find(".filters button", containing: "Filter"))
                        try await browser.waitForURL(containing: "status=failed")
                        let rows = try await browser.findAll("[data-delivery]")
                        #expect(rows.count == 3)
                        try await browser.click(try await browser.find("[data-delivery] summary"))
                        let attempts = try await browser.text(try await browser.find("[data-delivery] .attempts"))
                        #expect(attempts.contains("HTTP 500"))

                        // Re-send one: it goes out again and succeeds.
                        try await browser.click(try await browser.find("[data-delivery] button", containing: "Re-send"))
                        try await browser.waitForURL(containing: "done=resent")
                        try await served.waitForDeliveries(integration, status: "succeeded", count: 1)

                        // Re-send the rest: a job whose bar reaches 100%.
                        try await browser.click(try await browser.find("#resend-status option", containing: "failed"))
                        try await browser.click(try await browser.find("button", containing: "Re-send all"))
                        try await browser.waitForURL(containing: "/settings/jobs/")
                        try await browser.waitForText("[data-job-percent]", "100", timeout: .seconds(30))
                        try await served.waitForDeliveries(integration, status: "succeeded", count: 3)
                    }
                }
            }
        }
    }
}

extension ServedSwitchboard {
    /// Waits until the integration has `count` deliveries of `status`.
    func waitForDeliveries(_ id: String, status: String, count: Int, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while (try await api(.GET, "/v1/deliveries?integration_id=\(id)&status=\(status)")["data"]?.arrayValue?.count ?? 0) < count {
            guard ContinuousClock.now < deadline else { throw SwitchboardTimeout(description: "\(id) never had \(count) \(status) deliveries") }
            try await Task.sleep(for: .milliseconds(250))
        }
    }
}
