import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import SwitchboardDomain
import SwitchboardStore
import SwitchboardTestSupport
import Testing

@testable import SwitchboardEngine

/// The SMTP client against a real SMTP server (Python's aiosmtpd), plain and with STARTTLS and AUTH.
@Suite("SMTP client")
struct SMTPClientTests {
    struct Accepted: Decodable {
        let from: String
        let to: [String]
        let data: String
        let tls: Bool
        let authenticated: Bool
    }

    /// Runs the sink while `body` runs and returns what it accepted.
    func withSink(tls: (cert: String, key: String)? = nil, _ body: (Int) async throws -> Void) async throws -> [Accepted] {
        try await withSink(arguments: tls.map { [$0.cert, $0.key] } ?? [], body).accepted
    }

    /// Runs the sink with `arguments` while `body` runs; returns what it accepted and the AUTH mechanisms it was sent.
    func withSink(arguments: [String], _ body: (Int) async throws -> Void) async throws -> (accepted: [Accepted], authentications: [String]) {
        let script = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appending(path: "Scripts/smtp_sink.py")
        let directory = FileManager.default.temporaryDirectory.appending(path: "switchboard-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appending(path: "accepted.jsonl").path
        // The sink picks a free port itself: a port guessed here could be one another test's server holds.
        let sink = try BackgroundProcess(
            ["/usr/bin/env", "python3", script.path, out] + arguments,
            environment: [:],
            logPath: directory.appending(path: "sink.log").path
        )
        defer { sink.stop(signal: SIGTERM) }
        func announcedPort() -> Int? {
            sink.output.split(separator: "\n").lazy.compactMap { $0.hasPrefix("ready ") ? Int($0.dropFirst("ready ".count)) : nil }.first
        }
        let deadline = ContinuousClock.now + .seconds(20)
        var port = announcedPort()
        while port == nil {
            guard ContinuousClock.now < deadline else { throw SpawnError(description: "the SMTP sink did not start: \(sink.output)") }
            try await Task.sleep(for: .milliseconds(50))
            port = announcedPort()
        }
        try await body(port ?? 0)
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        let authentications = ((try? String(contentsOfFile: out + ".auth", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        return (try text.split(separator: "\n").map { try JSONDecoder().decode(Accepted.self, from: Data($0.utf8)) }, authentications)
    }

    @Test("notifications are emailed once to the workspace's managers; a refused send is tried again later", arguments: StoreEngine.allCases)
    func notificationMailer(_ engine: StoreEngine) async throws {
        let accepted = try await withSink { port in
            try await withStore(engine) { store in
                let workspace = try await store.createWorkspace(name: "Acme")
                _ = try await store.createAPIKey(workspaceID: workspace.id, role: .manager, label: "ada", email: "ada@example.com")
                _ = try await store.createAPIKey(workspaceID: workspace.id, role: .manager, label: "no email")
                let (gone, _) = try await store.createAPIKey(workspaceID: workspace.id, role: .manager, label: "left", email: "left@example.com")
                #expect(try await store.revokeAPIKey(workspaceID: workspace.id, id: gone.id) == .revoked)
                let other = try await store.createWorkspace(name: "Other")
                _ = try await store.createAPIKey(workspaceID: other.id, role: .manager, label: "x", email: "x@refused.test")
                for (workspaceID, title) in [(workspace.id, "HubSpot was paused"), (other.id, "Other's notice")] {
                    try await store.insertNotification(
                        SwitchboardStore.Notification(
                            id: Identifier.make("ntf", at: Date()),
                            workspaceId: workspaceID,
                            integrationId: nil,
                            kind: "integration.paused",
                            title: title,
                            body: "HubSpot rejected the credentials: reconnect HubSpot, then resume the integration.",
                            createdAt: Timestamp.milliseconds(Date())
                        )
                    )
                }
                let smtp = SMTPClient(configuration: try SMTPConfiguration(url: "smtp://127.0.0.1:\(port)?from=alerts@switchboard.test"))
                let mailer = NotificationMailer(store: store, smtp: smtp, logger: Logger(label: "test"))
                #expect(await mailer.sendPending() == 2)
                // The refused one waits for another try; the sent one is never sent again.
                let retried = try await store.claimUnsentNotifications(limit: 10)
                #expect(retried.map(\.title) == ["Other's notice"])
                #expect(retried.first?.emailAttempts == 2)
                #expect(await mailer.sendPending() == 0)
            }
        }
        #expect(accepted.count == 1)
        #expect(accepted.first?.to == ["ada@example.com"])
        #expect(accepted.first?.data.contains("Subject: [Switchboard] HubSpot was paused") == true)
    }

    @Test("an unusable address saved before it was checked leaves that manager out, not the whole workspace")
    func unusableStoredAddress() async throws {
        let accepted = try await withSink { port in
            try await withStore(.sqlite) { store in
                let workspace = try await store.createWorkspace(name: "Acme")
                _ = try await store.createAPIKey(workspaceID: workspace.id, role: .manager, label: "odd", email: "odd@example.com>")
                _ = try await store.createAPIKey(workspaceID: workspace.id, role: .manager, label: "ada", email: "ada@example.com")
                try await store.insertNotification(
                    SwitchboardStore.Notification(
                        id: Identifier.make("ntf", at: Date()),
                        workspaceId: workspace.id,
                        integrationId: nil,
                        kind: "integration.paused",
                        title: "HubSpot was paused",
                        body: "Reconnect HubSpot.",
                        createdAt: Timestamp.milliseconds(Date())
                    )
                )
                let smtp = SMTPClient(configuration: try SMTPConfiguration(url: "smtp://127.0.0.1:\(port)?from=alerts@switchboard.test"))
                #expect(await NotificationMailer(store: store, smtp: smtp, logger: Logger(label: "test")).sendPending() == 1)
            }
        }
        #expect(accepted.map(\.to) == [["ada@example.com"]])
    }

    @Test("a message reaches the server with its sender, recipients, encoded subject and body")
    func plain() async throws {
        let accepted = try await withSink { port in
            let client = SMTPClient(configuration: try SMTPConfiguration(url: "smtp://127.0.0.1:\(port)?from=alerts@switchboard.test"))
            try await client.send(
                to: ["ada@example.com", "grace@example.com"],
                subject: "HubSpot integration paused — action needed",
                body: "Switchboard paused “Leads” because HubSpot rejected the token.\n.\nReconnect, then resume."
            )
        }
        let message = try #require(accepted.first)
        #expect(accepted.count == 1)
        #expect(message.from == "alerts@switchboard.test")
        #expect(message.to == ["ada@example.com", "grace@example.com"])
        #expect(message.data.contains("Subject: =?utf-8?B?\(Data("HubSpot integration paused — action needed".utf8).base64EncodedString())?="))
        let encodedBody = try #require(message.data.components(separatedBy: "\r\n\r\n").last ?? message.data.components(separatedBy: "\n\n").last)
        let decoded = Data(base64Encoded: encodedBody.components(separatedBy: .newlines).joined()).map { String(decoding: $0, as: UTF8.self) }
        #expect(decoded == "Switchboard paused “Leads” because HubSpot rejected the token.\n.\nReconnect, then resume.")
        #expect(!message.tls)
    }

    @Test("STARTTLS is used when offered, then AUTH PLAIN")
    func startTLSAndAuth() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "switchboard-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (cert, key) = (directory.appending(path: "cert.pem").path, directory.appending(path: "key.pem").path)
        let made = try await spawnAndWaitOffPool([
            "/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ])
        #expect(made.status == 0, "\(made.output)")
        let roots = NIOSSLTrustRoots.certificates(try NIOSSLCertificate.fromPEMFile(cert))
        let accepted = try await withSink(tls: (cert, key)) { port in
            let url = "smtp://alerts:s3cret@127.0.0.1:\(port)?from=alerts@switchboard.test"
            let client = SMTPClient(configuration: try SMTPConfiguration(url: url, trustRoots: roots))
            try await client.send(to: ["ada@example.com"], subject: "Resync finished", body: "10,000 contacts synced.")
        }
        #expect(accepted.count == 1)
        #expect(accepted.first?.tls == true, "the server offered STARTTLS, so the message went encrypted")
        #expect(accepted.first?.authenticated == true)
    }

    @Test("with a username, a server that offers no STARTTLS never receives AUTH, and nothing is sent")
    func noAuthWithoutTLS() async throws {
        var refusal: SMTPError?
        let sink = try await withSink(arguments: ["--auth-without-tls"]) { port in
            let client = SMTPClient(configuration: try SMTPConfiguration(url: "smtp://alerts:s3cret@127.0.0.1:\(port)?from=alerts@switchboard.test"))
            do throws(SMTPError) {
                try await client.send(to: ["ada@example.com"], subject: "Paused", body: "HubSpot was paused.")
            } catch {
                refusal = error
            }
        }
        #expect(sink.authentications.isEmpty, "the password must never cross an unencrypted connection")
        #expect(sink.accepted.isEmpty)
        guard case .insecure = refusal else {
            Issue.record("the send must be refused as insecure, got \(String(describing: refusal))")
            return
        }
        #expect(refusal?.description.contains("did not offer STARTTLS") == true, "\(String(describing: refusal))")
    }

    @Test("a command the server refuses ends the send with the server's code and what was being said")
    func refusal() async throws {
        var refusal: SMTPError?
        let accepted = try await withSink { port in
            let client = SMTPClient(configuration: try SMTPConfiguration(url: "smtp://127.0.0.1:\(port)?from=alerts@switchboard.test"))
            do throws(SMTPError) {
                try await client.send(to: ["nobody@refused.test"], subject: "x", body: "y")
            } catch {
                refusal = error
            }
        }
        #expect(accepted.isEmpty)
        guard case .refused(let code, _, let during) = refusal else {
            Issue.record("a malformed recipient must be refused, got \(String(describing: refusal))")
            return
        }
        #expect(code == 550)
        #expect(during == "RCPT TO:<nobody@refused.test>")
    }

    @Test("addresses that could inject commands or headers are refused before connecting")
    func injection() async throws {
        let client = SMTPClient(configuration: try SMTPConfiguration(url: "smtp://127.0.0.1:9?from=alerts@switchboard.test"))
        for address in ["a@b.c\r\nRCPT TO:<x@y.z>", "not an address", "a@b.c>", ""] {
            await #expect(throws: SMTPError.invalidAddress(address)) { try await client.send(to: [address], subject: "x", body: "y") }
        }
        await #expect(throws: SMTPError.self) { try await client.send(to: ["a@b.c"], subject: "x\r\nBcc: victim@example.com", body: "y") }
    }

    @Test("an SMTP URL needs a host and a sender; smtps means TLS from the start on 465")
    func configuration() throws {
        #expect(throws: SMTPError.self) { try SMTPConfiguration(url: "smtp://relay.example.com") }
        #expect(throws: SMTPError.self) { try SMTPConfiguration(url: "http://relay.example.com?from=a@b.c") }
        let secure = try SMTPConfiguration(url: "smtps://user:p%40ss@relay.example.com?from=alerts@example.com")
        #expect(secure.implicitTLS && secure.port == 465 && secure.password == "p@ss")
        #expect(try SMTPConfiguration(url: "smtp://relay.example.com?from=alerts@example.com").port == 587)
    }

    @Test("a server that accepts the connection and then never answers is given up on at the deadline", .timeLimit(.minutes(1)))
    func silentServer() async throws {
        // Accepts connections and never writes a byte: no greeting, so the conversation waits on its first reply.
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let port = server.localAddress?.port ?? 0
        let smtp = SMTPClient(
            configuration: try SMTPConfiguration(url: "smtp://127.0.0.1:\(port)?from=alerts@switchboard.test"),
            timeout: .milliseconds(300)
        )
        let started = ContinuousClock.now
        let error = await #expect(throws: SMTPError.self) {
            try await smtp.send(to: ["ada@example.com"], subject: "Paused", body: "HubSpot was paused.")
        }
        try await server.close()
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(error?.description.contains("no answer within 0.3 s") == true, "\(String(describing: error))")
    }
}
