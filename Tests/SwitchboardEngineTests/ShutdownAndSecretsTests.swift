import Logging
import ServiceLifecycle
import SwitchboardDomain
import SwitchboardTestSupport
import Testing

@testable import SwitchboardEngine

/// What an operator sees when the process stops or logs its services: a prompt stop, and no secret.
@Suite("Shutdown and secrets in descriptions")
struct ShutdownAndSecretsTests {
    @Test("the hourly validation sweep stops at once on a graceful shutdown (SIGTERM)", .timeLimit(.minutes(1)))
    func sweepStopsGracefully() async throws {
        try await withEngine(.sqlite) { harness in
            let sweep = ValidationSweep(store: harness.store, integrations: harness.integrations, interval: .seconds(3600), logger: testLogger)
            let group = ServiceGroup(services: [sweep], logger: testLogger)
            let running = Task { try await group.run() }
            try await Task.sleep(for: .milliseconds(200))
            let asked = ContinuousClock.now
            await group.triggerGracefulShutdown()
            try await running.value
            // Not the hour the sweep would sleep: a bound with room for a CI machine whose two cores are busy with every
            // other suite starting at once (9.6 s was seen there; an idle machine takes milliseconds).
            #expect(ContinuousClock.now - asked < .seconds(30))
        }
    }

    @Test("services are described without the secret key, an SMTP password or an OAuth client secret")
    func descriptionsRedactSecrets() throws {
        struct Holder {
            let box: SecretBox
            let smtp: SMTPConfiguration
            let oauth: OAuthApp?
        }
        let holder = Holder(
            box: try SecretBox(key: Array(repeating: 0xAB, count: 32)),
            smtp: try SMTPConfiguration(url: "smtp://alerts:hunter2-smtp@mail.example.com:587?from=alerts@example.com"),
            oauth: OAuthApp(clientID: "app-1", clientSecret: "hunter2-oauth", redirectURI: "https://switchboard.example.com/v1/oauth/callback")
        )
        for text in [String(describing: holder), String(reflecting: holder), "\(holder)", String(describing: [holder])] {
            #expect(!text.contains("171"), "key bytes (0xAB = 171) in: \(text)")
            #expect(!text.contains("hunter2"), "a password in: \(text)")
            #expect(text.contains("redacted"))
            #expect(text.contains("app-1") && text.contains("mail.example.com"), "what is not secret still helps: \(text)")
        }
    }
}
