import AsyncHTTPClient
import Foundation
import SwitchboardDomain
import SwitchboardEmulators
import SwitchboardProviders
import SwitchboardTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Resync survives a killed process")
struct ResyncCrashTests {
    static let registrants = 6000

    @Test("kill -9 during a resync: a restarted serve continues the job and the emulator ends exactly right")
    func killNineDuringResync() async throws {
        let binary = try SwitchboardBinary.path()
        let directory = URL(filePath: ScratchDirectory.path).appending(path: "resync-crash-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // A slow emulator (HubSpot's limit of 100 requests per 10 s, and answers that take a while) so that the
        // kill lands in the middle of the job.
        let emulator = HubSpotEmulator(requestsPerWindow: 100, window: 10)
        let token = emulator.state.issueToken()
        let listID = emulator.state.createList(named: "Everyone")
        try await emulator.run { hubspot in
            let environment = [
                "SWITCHBOARD_DATABASE_URL": "sqlite://\(directory.appending(path: "resync.db").path)",
                "SWITCHBOARD_SECRET_KEY": SecretBox.generateEncodedKey(),
                "SWITCHBOARD_LEASE_SECONDS": "25",
                "SWITCHBOARD_HUBSPOT_URL": hubspot,
                "SWITCHBOARD_LOG_LEVEL": "warning",
            ]
            let created = try await spawnAndWaitOffPool(
                ["/usr/bin/env"] + environment.map { "\($0.key)=\($0.value)" } + [binary, "workspace", "create", "--name", "Resync", "--json"]
            )
            let json = try JSONDecoder().decode(
                JSONValue.self,
                from: Data(created.output.split(separator: "\n").last.map(String.init)?.utf8 ?? "".utf8)
            )
            let key = try #require(json["api_key"]?.stringValue)
            let port = TestPorts.unused()
            let api = "http://127.0.0.1:\(port)"
            let log = directory.appending(path: "serve.log").path
            var server = try BackgroundProcess([binary, "serve", "--port", String(port)], environment: environment, logPath: log)
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            defer { server.stop() }
            do {
                try await SwitchboardBinary.waitUntilHealthy(client: client, api: api, server: server)
                // History first, with no integration to deliver it to.
                for batch in 0..<(Self.registrants / 1000) {
                    let events = (0..<1000).map { index in
                        let n = batch * 1000 + index
                        return
                            #"{"type":"registration.created","idempotency_key":"r\#(n)","data":{"broadcast":{"id":"b"},"registrant":{"email":"p\#(n)@example.com","first_name":"P\#(n)"}}}"#
                    }
                    let accepted = try await SwitchboardBinary.post(
                        client: client,
                        url: "\(api)/v1/events",
                        key: key,
                        body: #"{"events":[\#(events.joined(separator: ","))]}"#
                    )
                    #expect(accepted.status.code == 202)
                }
                let integration = try await SwitchboardBinary.call(
                    client: client,
                    .POST,
                    url: "\(api)/v1/integrations",
                    key: key,
                    body:
                        #"{"provider":"hubspot","credentials":{"access_token":"\#(token)"},"settings":{"list_id":"\#(listID)","overwrite_names":true}}"#
                )
                let id = try #require(integration.json["id"]?.stringValue)
                #expect(
                    try await SwitchboardBinary.call(client: client, .POST, url: "\(api)/v1/integrations/\(id)/complete-setup", key: key).json[
                        "status"
                    ] == "active"
                )
                let job = try await SwitchboardBinary.call(client: client, .POST, url: "\(api)/v1/integrations/\(id)/resync", key: key)
                let jobID = try #require(job.json["id"]?.stringValue)

                // Kill it once part of the contacts are in HubSpot (the whole job is one page: it restarts that page).
                let deadline = ContinuousClock.now + .seconds(60)
                while emulator.state.contactCount < Self.registrants / 4 && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                server.stop(signal: SIGKILL)
                let atKill = emulator.state.contactCount
                #expect(atKill > 0 && atKill < Self.registrants, "the kill came in mid-job (\(atKill) contacts)")

                server = try BackgroundProcess([binary, "serve", "--port", String(port)], environment: environment, logPath: log)
                try await SwitchboardBinary.waitUntilHealthy(client: client, api: api, server: server)
                var status = ""
                let finish = ContinuousClock.now + .seconds(120)
                while status != "succeeded" && ContinuousClock.now < finish {
                    try await Task.sleep(for: .milliseconds(200))
                    status =
                        try await SwitchboardBinary.call(client: client, .GET, url: "\(api)/v1/jobs/\(jobID)", key: key).json["status"]?.stringValue
                        ?? ""
                }
                #expect(status == "succeeded")
                let contacts = emulator.state.contactsByEmail
                #expect(contacts.count == Self.registrants)
                #expect(contacts["p42@example.com"]?.properties["firstname"] == "P42")
                #expect(emulator.state.memberEmails(of: listID).count == Self.registrants)
                #expect(emulator.state.marketingEvents.isEmpty)
                try await client.shutdown()
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }
}
