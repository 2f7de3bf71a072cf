import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardDomain
import SwitchboardTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Crash safety of a real switchboard process")
struct CrashSafetyTests {
    static let events = 20_000
    static let maxInFlight = 256

    @Test("kill -9 in mid-stream loses nothing: after a restart every event arrives, with few duplicates")
    func killNine() async throws {
        let binary = try SwitchboardBinary.path()
        let directory = URL(filePath: ScratchDirectory.path).appending(path: "crash-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let environment = [
            "SWITCHBOARD_DATABASE_URL": "sqlite://\(directory.appending(path: "crash.db").path)",
            "SWITCHBOARD_SECRET_KEY": SecretBox.generateEncodedKey(),
            "SWITCHBOARD_ALLOW_PRIVATE_TARGETS": "1",
            "SWITCHBOARD_MAX_IN_FLIGHT": String(Self.maxInFlight),
            "SWITCHBOARD_LEASE_SECONDS": "25",
            "SWITCHBOARD_LOG_LEVEL": "warning",
        ]
        let created = try await spawnAndWaitOffPool(
            ["/usr/bin/env"] + environment.map { "\($0.key)=\($0.value)" } + [binary, "workspace", "create", "--name", "Crash", "--json"]
        )
        #expect(created.status == 0, "\(created.output)")
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(created.output.split(separator: "\n").last.map(String.init)?.utf8 ?? "".utf8))
        let key = try #require(json["api_key"]?.stringValue)

        try await TestReceiver().run { receiver in
            let port = TestPorts.unused()
            let api = "http://127.0.0.1:\(port)"
            let log = directory.appending(path: "serve.log").path
            let serve = ["serve", "--port", String(port)]
            var server = try BackgroundProcess([binary] + serve, environment: environment, logPath: log)
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            defer { server.stop() }
            do {
                try await SwitchboardBinary.waitUntilHealthy(client: client, api: api, server: server)
                let integration = try await SwitchboardBinary.post(
                    client: client,
                    url: "\(api)/v1/integrations",
                    key: key,
                    body: #"{"provider":"webhook","settings":{"url":"\#(receiver.url)/crash","events":["registration.created"]}}"#
                )
                #expect(integration.status.code == 201)

                for batch in 0..<(Self.events / 1000) {
                    let events = (0..<1000).map { index in
                        let n = batch * 1000 + index
                        return
                            #"{"type":"registration.created","idempotency_key":"crash-\#(n)","data":{"broadcast":{"id":"b"},"registrant":{"email":"u\#(n)@example.com"}}}"#
                    }
                    let accepted = try await SwitchboardBinary.post(
                        client: client,
                        url: "\(api)/v1/events",
                        key: key,
                        body: #"{"events":[\#(events.joined(separator: ","))]}"#
                    )
                    #expect(accepted.status.code == 202)
                }
                // Kill it while deliveries are flowing.
                #expect(await receiver.wait(timeout: .seconds(60)) { $0.count >= Self.events / 4 })
                server.stop(signal: SIGKILL)
                let atKill = receiver.received.count
                #expect(atKill < Self.events, "the kill came in mid-stream")

                server = try BackgroundProcess([binary] + serve, environment: environment, logPath: log)
                try await SwitchboardBinary.waitUntilHealthy(client: client, api: api, server: server)
                let complete = await receiver.wait(timeout: .seconds(180)) { Set($0.compactMap(\.webhookID)).count >= Self.events }
                #expect(complete, "all \(Self.events) messages arrived; got \(Set(receiver.received.compactMap(\.webhookID)).count)")
                let received = receiver.received.compactMap(\.webhookID)
                let duplicates = received.count - Set(received).count
                print("crash test: \(atKill) received before the kill, \(received.count) in all, \(duplicates) duplicates")
                #expect(duplicates <= Self.maxInFlight, "duplicates stay within what one worker had in flight")
                try await client.shutdown()
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
    }
}
