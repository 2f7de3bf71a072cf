import Foundation
import SwitchboardDomain
import Testing

extension BrowserTests {
    @Suite("Providers from the browser")
    struct ProviderBrowserTests {
        @Test("HubSpot: connect, pick a list, Finish, resync to 100%; a revoked token pauses it with a notification; reconnect and resume")
        func hubspot() async throws {
            try await ServedSwitchboard.with { served in
                let token = served.hubspot.issueToken()
                _ = served.hubspot.createList(named: "Webinar registrants")
                let registrations = (1...30).map { index in
                    #"{"type":"registration.created","idempotency_key":"r\#(index)","data":{"broadcast":{"id":"brd_1","title":"Launch"},"registrant":{"email":"person\#(index)@example.com","first_name":"P\#(index)"}}}"#
                }
                _ = try await served.api(.POST, "/v1/events", #"{"events":[\#(registrations.joined(separator: ","))]}"#)
                let link = try await served.signInLink()
                try await WebDriver.withBrowser { browser in
                    try await browser.signIn(link: link)
                    try await browser.click(try await browser.find("a.button", containing: "Add integration"))
                    try await browser.click(try await browser.find("a.choice", containing: "CRM & Email"))
                    try await browser.click(try await browser.find("a.choice", containing: "HubSpot"))
                    try await browser.type(token, into: "#f-credentials-access-token")
                    try await browser.click(try await browser.find("button[type=submit]", containing: "Connect"))
                    try await browser.waitForURL(containing: "done=created")
                    #expect(try await browser.text(".drawer .badge") == "Setup incomplete")

                    // The list comes from HubSpot; Finish makes it active.
                    try await browser.click(try await browser.find("#f-settings-list-id option", containing: "Webinar registrants"))
                    try await browser.click(try await browser.find(".drawer button", containing: "Save changes"))
                    try await browser.waitForURL(containing: "done=saved")
                    try await browser.click(try await browser.find(".drawer button", containing: "Finish"))
                    try await browser.waitForURL(containing: "done=finished")
                    #expect(try await browser.text(".drawer .badge") == "Active")

                    // Resync: the bar reaches 100% while the page is open.
                    try await browser.click(try await browser.find(".drawer button", containing: "Resync historical contacts"))
                    try await browser.waitForURL(containing: "/settings/jobs/")
                    try await browser.waitForText("[data-job-percent]", "100", timeout: .seconds(60))
                    #expect(try await browser.text("[data-job-status]") == "succeeded")
                    #expect(served.hubspot.contactsByEmail.count >= 30)

                    // HubSpot revokes the token: the next delivery pauses the integration and tells the managers.
                    served.hubspot.revoke(token)
                    let integration = try await served.pausedByNextRegistration()
                    try await browser.open("\(served.url)/settings/integrations")
                    let card = try await browser.text("[data-integration='\(integration)']")
                    #expect(card.contains("Paused"))
                    #expect(card.contains("rejected the credentials"), "\(card)")
                    let notifications = try await served.api(.GET, "/v1/notifications")["data"]?.arrayValue ?? []
                    #expect(
                        notifications.contains {
                            $0["integration_id"]?.stringValue == integration && $0["title"]?.stringValue?.contains("paused") == true
                        }
                    )
                    let unread = notifications.filter { $0["read"] == .bool(false) }.count
                    #expect(try await browser.attribute("aria-label", of: try await browser.find(".bell")) == "Notifications: \(unread) unread")

                    // The bell leads to the notice, which leads to the integration; reading it lowers the count.
                    try await browser.click(".bell")
                    try await browser.waitForURL(containing: "/notifications")
                    _ = try await browser.find("[data-notification].unread", containing: "paused")
                    try await browser.click(try await browser.find("[data-notification].unread button", containing: "Mark read"))
                    // The post lands on the same address: wait for the new page's count, not for the address.
                    try await browser.waitForAttribute(".bell", "aria-label", "Notifications: \(unread - 1) unread")
                    try await browser.click(try await browser.find("[data-notification] a.button", containing: "Open the integration"))
                    try await browser.waitForURL(containing: "/settings/integrations/int_")
                    #expect(try await browser.text(".drawer .badge") == "Paused")

                    // Reconnect with a new token, then resume.
                    try await browser.open("\(served.url)/settings/integrations")
                    try await browser.click(try await browser.find("[data-integration='\(integration)'] a.button", containing: "Reconnect"))
                    try await browser.type(served.hubspot.issueToken(), into: "#f-credentials-access-token")
                    try await browser.click(try await browser.find(".drawer button", containing: "Save changes"))
                    try await browser.waitForURL(containing: "done=saved")
                    try await browser.click(try await browser.find(".drawer button", containing: "Resume"))
                    try await browser.waitForURL(containing: "done=resumed")
                    #expect(try await browser.text(".drawer .badge") == "Active")
                }
            }
        }

        @Test("HubSpot with OAuth: Connect with HubSpot, consent at HubSpot, back to the integration, authorized")
        func hubspotOAuth() async throws {
            try await ServedSwitchboard.with { served in
                _ = served.hubspot.createList(named: "Webinar registrants")
                let link = try await served.signInLink()
                try await WebDriver.withBrowser { browser in
                    try await browser.signIn(link: link)
                    try await browser.open("\(served.url)/settings/integrations/new/hubspot")
                    try await browser.click(try await browser.find("button[type=submit]", containing: "Connect with HubSpot"))
                    // Switchboard's start link, HubSpot's consent (the emulator grants at once), Switchboard's callback page.
                    try await browser.waitForURL(containing: "/v1/oauth/callback")
                    #expect(try await browser.text("h1") == "HubSpot connected")
                    try await browser.click(try await browser.find("a", containing: "Back to the integration"))
                    try await browser.waitForURL(containing: "/settings/integrations/int_")
                    #expect(try await browser.text(".drawer .tracker").contains("Connected to HubSpot"))
                    #expect(try await browser.findAll(".drawer .tracker li.done").count >= 1)
                    #expect(try await browser.findAll("#f-settings-list-id option").count >= 2, "the lists come from HubSpot with the OAuth token")
                }
            }
        }

        @Test("Slack: connect, pick a channel, send a test notification; an archived channel shows channel_unavailable")
        func slack() async throws {
            try await ServedSwitchboard.with { served in
                let token = served.slack.issueToken()
                let channel = served.slack.createChannel(named: "launch")
                let link = try await served.signInLink()
                try await WebDriver.withBrowser { browser in
                    try await browser.signIn(link: link)
                    // A new workspace: the empty state says what to connect.
                    #expect(try await browser.text(".empty h2") == "No integrations yet")
                    try await browser.open("\(served.url)/settings/integrations/new/slack")
                    try await browser.type(token, into: "#f-credentials-bot-token")
                    try await browser.click(try await browser.find("button[type=submit]", containing: "Connect"))
                    try await browser.waitForURL(containing: "done=created")
                    try await browser.click(try await browser.find("#f-settings-channel-id option", containing: "launch"))
                    try await browser.click(try await browser.find(".drawer button", containing: "Save changes"))
                    try await browser.waitForURL(containing: "done=saved")
                    #expect(try await browser.text(".drawer .badge") == "Active")

                    try await browser.click(try await browser.find(".drawer button", containing: "Send test notification"))
                    #expect(try await browser.text("#test-result").contains("Test delivered"))
                    #expect(served.slack.messages(in: channel).count == 1)

                    // Slack is slow to list channels: the drawer does not wait for it (its HTTP timeout is 30 s) but
                    // shows the saved channel with a note.
                    served.slack.slowDown("conversations.list", by: .seconds(60))
                    let opened = ContinuousClock.now
                    try await browser.open("\(served.url)/settings/integrations/\(try await served.onlyIntegration())")
                    #expect(ContinuousClock.now - opened < .seconds(25), "the drawer waited for Slack")
                    #expect(try await browser.text(".drawer .alert").contains("did not send its choices within 4 seconds"))
                    #expect(try await browser.attribute("value", of: try await browser.find("#f-settings-channel-id")) == channel)
                    served.slack.slowDown("conversations.list", by: .zero)

                    // The channel is archived in Slack: the next message pauses the integration, saying which channel.
                    served.slack.archive(channel)
                    let integration = try await served.pausedByNextRegistration()
                    #expect(try await served.api(.GET, "/v1/integrations/\(integration)")["pause_reason"] == "channel_unavailable")
                    try await browser.open("\(served.url)/settings/integrations")
                    let card = try await browser.text("[data-integration='\(integration)']")
                    #expect(card.contains("#launch"), "\(card)")
                    #expect(card.contains("Choose another channel"))
                }
            }
        }
    }
}

extension ServedSwitchboard {
    /// The id of the workspace's only (or first) integration.
    func onlyIntegration() async throws -> String {
        try #require(try await api(.GET, "/v1/integrations")["data"]?.arrayValue?.first?["id"]?.stringValue)
    }

    /// Posts a registration and waits until it has paused the workspace's only integration; returns its id.
    func pausedByNextRegistration() async throws -> String {
        let integration = try await onlyIntegration()
        let event = #"{"type":"registration.created","data":{"broadcast":{"id":"brd_1"},"registrant":{"email":"late@example.com"}}}"#
        _ = try await api(.POST, "/v1/events", event)
        try await waitForStatus(integration, "paused")
        return integration
    }

    /// Waits until the integration's status is `status`.
    func waitForStatus(_ id: String, _ status: String, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await api(.GET, "/v1/integrations/\(id)")["status"]?.stringValue != status {
            guard ContinuousClock.now < deadline else { throw SwitchboardTimeout(description: "\(id) never became \(status)") }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}

struct SwitchboardTimeout: Error, CustomStringConvertible {
    let description: String
}

extension BrowserTests {
    @Suite("Mailchimp from the browser")
    struct MailchimpBrowserTests {
        @Test("Mailchimp: connect with a key, choose the audience, tags and merge fields, Finish; a slow resync is cancelled from its page")
        func mailchimp() async throws {
            try await ServedSwitchboard.with { served in
                let key = served.mailchimp.issueKey()
                let audience = served.mailchimp.createAudience(named: "Webinar audience", mergeFields: ["FNAME": "First name", "LNAME": "Last name"])
                let registrations = (1...200).map { index in
                    #"{"type":"registration.created","idempotency_key":"m\#(index)","data":{"broadcast":{"id":"brd_1"},"registrant":{"email":"m\#(index)@example.com","first_name":"M\#(index)"}}}"#
                }
                _ = try await served.api(.POST, "/v1/events", #"{"events":[\#(registrations.joined(separator: ","))]}"#)
                let link = try await served.signInLink()
                try await WebDriver.withBrowser { browser in
                    try await browser.signIn(link: link)
                    try await browser.open("\(served.url)/settings/integrations/new/mailchimp")
                    try await browser.type(key, into: "#f-credentials-api-key")
                    try await browser.click(try await browser.find("button[type=submit]", containing: "Connect"))
                    try await browser.waitForURL(containing: "done=created")
                    try await browser.click(try await browser.find("#f-settings-audience-id option", containing: "Webinar audience"))
                    try await browser.click(try await browser.find(".drawer button", containing: "Save changes"))
                    try await browser.waitForURL(containing: "done=saved")

                    // With the audience chosen, its merge fields and tags are offered.
                    #expect(try await browser.text("#f-settings-merge-fields-help").contains("FNAME"))
                    try await browser.clear("#f-settings-tags")
                    try await browser.type("webinar, launch", into: "#f-settings-tags")
                    try await browser.clear("#f-settings-merge-fields")
                    try await browser.type("FNAME = first_name", into: "#f-settings-merge-fields")
                    try await browser.click(try await browser.find(".drawer button", containing: "Save changes"))
                    // The second save lands on the same address as the first: wait for the page that shows what it saved.
                    try await browser.waitForAttribute("#f-settings-tags", "value", "webinar, launch")
                    try await browser.click(try await browser.find(".drawer button", containing: "Finish"))
                    try await browser.waitForURL(containing: "done=finished")
                    #expect(try await browser.text(".drawer .badge") == "Active")
                    let saved = try await served.api(.GET, "/v1/integrations")["data"]?.arrayValue?.first?["settings"]
                    #expect(saved?["tags"] == ["webinar", "launch"])
                    #expect(saved?["merge_fields"] == ["FNAME": "first_name"])
                    #expect(saved?["audience_id"]?.stringValue == audience)

                    // Mailchimp slows down: the resync is under way when the manager cancels it.
                    served.mailchimp.delayResponses(by: .seconds(2))
                    try await browser.click(try await browser.find(".drawer button", containing: "Resync historical contacts"))
                    try await browser.waitForURL(containing: "/settings/jobs/")
                    try await browser.click(try await browser.find("[data-job-cancel] button", containing: "Cancel"))
                    try await browser.waitForText("[data-job-status]", "cancelled", timeout: .seconds(30))
                    let done = Int(try await browser.text("[data-job-done]")) ?? -1
                    #expect(done < 200, "cancelled before the end: \(done) of 200")
                }
            }
        }
    }
}
