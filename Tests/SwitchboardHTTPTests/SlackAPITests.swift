import Foundation
import SwitchboardDomain
import SwitchboardEmulators
import SwitchboardProviders
import SwitchboardTestSupport
import Testing

/// Slack over the API: the catalogue entry, create (active at once, token never echoed), Send Test Notification.
@Suite("Slack over the API")
struct SlackAPITests {
    @Test(
        "created active with a masked token; POST …/test sends the named notification type (a registration when none is named) and refuses unknown ones"
    )
    func slackOverHTTP() async throws {
        let emulator = SlackEmulator()
        let token = emulator.state.issueToken()
        let channel = emulator.state.createChannel(named: "launch")
        try await emulator.run { url in
            try await withAPI(.sqlite, catalogue: { Providers.catalogue(http: $0, settings: .init(["SWITCHBOARD_SLACK_URL": url])) }) { api in
                let providers = try await api.call(.get, "/v1/providers", key: api.memberKey)
                #expect(
                    providers.text.contains(#""notification_types":["registration","attendance","broadcast_summary","payment","integration_alert"]"#)
                )

                let wrongToken = try await api.call(
                    .post,
                    "/v1/integrations",
                    key: api.managerKey,
                    json: #"{"provider": "slack", "settings": {"channel_id": "launch"}, "credentials": {"bot_token": "xoxp-user-token"}}"#
                )
                #expect(wrongToken.status == 400)
                #expect(wrongToken.text.contains("credentials/bot_token") && wrongToken.text.contains("settings/channel_id"))

                let created = try await api.call(
                    .post,
                    "/v1/integrations",
                    key: api.managerKey,
                    json: #"{"provider": "slack", "settings": {"channel_id": "\#(channel)"}, "credentials": {"bot_token": "\#(token)"}}"#
                )
                #expect(created.status == 201)
                #expect(!created.text.contains(token))
                #expect(created.json["status"] == "active")
                #expect(created.json["category"] == "Notification Providers")
                let id = try #require(created.json["id"]?.stringValue)

                let sent = try await api.call(
                    .post,
                    "/v1/integrations/\(id)/test",
                    key: api.managerKey,
                    json: #"{"notification_type": "broadcast_summary"}"#
                )
                #expect(sent.status == 200)
                #expect(sent.json["succeeded"] == true)
                #expect(emulator.state.messages(in: channel).first?.text.contains("has ended") == true)

                let unnamed = try await api.call(.post, "/v1/integrations/\(id)/test", key: api.managerKey)
                #expect(unnamed.status == 200, "without a type, a registration")
                #expect(emulator.state.messages(in: channel).last?.text.contains("registered") == true)
                let unknown = try await api.call(.post, "/v1/integrations/\(id)/test", key: api.managerKey, json: #"{"notification_type": "lunch"}"#)
                #expect(unknown.status == 400)
                let member = try await api.call(
                    .post,
                    "/v1/integrations/\(id)/test",
                    key: api.memberKey,
                    json: #"{"notification_type": "registration"}"#
                )
                #expect(member.status == 403)
                #expect(emulator.state.messages(in: channel).count == 2, "refused tests send nothing")
            }
        }
    }
}
