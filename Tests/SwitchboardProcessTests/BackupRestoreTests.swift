import AsyncHTTPClient
import Foundation
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardTestSupport
import Synchronization
import Testing

@Suite("Backup and restore (docs/operations.md)")
struct BackupRestoreTests {
    @Test("a backup of a running SQLite store under load, restored, serves and delivers what it held")
    func backupUnderLoad() async throws {
        let binary = try SwitchboardBinary.path()
        let directory = URL(filePath: ScratchDirectory.path).appending(path: "backup-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let live = directory.appending(path: "switchboard.db").path
        let backup = directory.appending(path: "backup.db").path
        // No SWITCHBOARD_SECRET_KEY: the database has a key file, which the backup must carry.
        let environment = [
            "SWITCHBOARD_DATABASE_URL": "sqlite://\(live)", "SWITCHBOARD_ALLOW_PRIVATE_TARGETS": "1", "SWITCHBOARD_LOG_LEVEL": "warning",
            // Retries within seconds (the whole schedule in about 100 s), so that what the backup holds is sent soon after the restore.
            "SWITCHBOARD_RETRY_SCALE": "0.001",
        ]
        @Sendable func run(_ arguments: [String]) async throws -> String {
            let result = try await spawnAndWaitOffPool(["/usr/bin/env"] + environment.map { "\($0.key)=\($0.value)" } + [binary] + arguments)
            #expect(result.status == 0, "\(arguments): \(result.output)")
            return result.output
        }
        let created = try JSONValue(
            json: (try await run(["workspace", "create", "--name", "Backup", "--json"]).split(separator: "\n").last ?? "").utf8
        )
        let key = try #require(created["api_key"]?.stringValue)
        // The endpoint is down while the backup is taken: everything sent so far stays pending.
        let accepting = Mutex(false)
        try await TestReceiver { _ in TestReceiver.Answer(status: accepting.withLock { $0 } ? 204 : 503) }.run { receiver in
            let port = TestPorts.unused()
            let api = "http://127.0.0.1:\(port)"
            var server = try BackgroundProcess([binary, "serve", "--port", "\(port)"], environment: environment, logPath: live + ".log")
            defer { server.stop() }
            try await SwitchboardBinary.waitUntilHealthy(client: .shared, api: api, server: server)
            let integration = try await SwitchboardBinary.call(
                client: .shared,
                .POST,
                url: "\(api)/v1/integrations",
                key: key,
                body: #"{"provider":"webhook","label":"Backed up","settings":{"url":"\#(receiver.url)/in","events":["registration.created"]}}"#
            )
            let integrationID = try #require(integration.json["id"]?.stringValue)
            func post(_ batch: Int) async throws {
                let events = (0..<100).map { index in
                    #"{"type":"registration.created","idempotency_key":"b\#(batch)-\#(index)","data":{"broadcast":{"id":"b"},"registrant":{"email":"u\#(batch)-\#(index)@example.com"}}}"#
                }
                _ = try await SwitchboardBinary.post(
                    client: .shared,
                    url: "\(api)/v1/events",
                    key: key,
                    body: #"{"events":[\#(events.joined(separator: ","))]}"#
                )
            }
            for batch in 0..<10 { try await post(batch) }
            // Under load: events keep arriving while the backup is taken.
            let load = Task {
                for batch in 10..<40 { try await post(batch) }
            }
            let output = try await run(["backup", "--to", backup])
            #expect(output.contains("key file"))
            try await load.value
            #expect(FileManager.default.fileExists(atPath: backup + ".key"))
            let refused = try await spawnAndWaitOffPool(
                ["/usr/bin/env"] + environment.map { "\($0.key)=\($0.value)" } + [binary, "backup", "--to", backup]
            )
            #expect(refused.status != 0, "an existing file is never overwritten")
            await server.stopOffPool(signal: SIGTERM)

            // Restore: the backup (and its key file) take the database's place; the endpoint is back.
            for suffix in ["", "-wal", "-shm", ".key"] { try? FileManager.default.removeItem(atPath: live + suffix) }
            try FileManager.default.copyItem(atPath: backup, toPath: live)
            try FileManager.default.copyItem(atPath: backup + ".key", toPath: live + ".key")
            accepting.withLock { $0 = true }
            let restoredAt = Date()
            // A short lease, so that deliveries claimed when the backup was taken come due soon.
            let restoredEnvironment = environment.merging(["SWITCHBOARD_LEASE_SECONDS": "25"]) { $1 }
            server = try BackgroundProcess(
                [binary, "serve", "--port", "\(port)"],
                environment: restoredEnvironment,
                logPath: live + ".restored.log"
            )
            try await SwitchboardBinary.waitUntilHealthy(client: .shared, api: api, server: server)

            let restored = try await SwitchboardBinary.call(client: .shared, .GET, url: "\(api)/v1/integrations/\(integrationID)", key: key)
            #expect(restored.json["label"] == "Backed up", "the restored store serves what it held")
            let held = (restored.json["counts"]?.objectValue ?? [:]).values.compactMap(\.numberValue).reduce(0, +)
            #expect(held >= 1000, "the backup holds at least the events sent before it began (\(held))")
            // The signing secret opens with the copied key file, and every held delivery arrives.
            let secret = try await SwitchboardBinary.call(client: .shared, .GET, url: "\(api)/v1/integrations/\(integrationID)/secret", key: key)
            #expect(secret.json["secret"]?.stringValue?.hasPrefix("whsec_") == true)
            let delivered = await receiver.wait(timeout: .seconds(120)) { received in
                Set(received.filter { $0.at >= restoredAt }.compactMap(\.webhookID)).count >= Int(held)
            }
            #expect(delivered, "every delivery the backup held arrives after the restore")
        }
    }
}
