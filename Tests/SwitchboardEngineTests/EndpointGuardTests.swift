import SwitchboardEngine
import Testing

@Suite("Endpoint guard")
struct EndpointGuardTests {
    let strict = EndpointGuard(allowPrivateTargets: false)

    @Test(
        "loopback, private, link-local and metadata targets are refused",
        arguments: [
            "https://127.0.0.1/hook", "https://10.0.0.5/hook", "https://169.254.169.254/latest/meta-data", "https://[::1]/hook",
            "https://localhost/hook", "https://192.168.1.20:8443/x", "https://[fe80::1]/x", "https://0.0.0.0/x",
        ]
    )
    func refused(url: String) async {
        await #expect(throws: EndpointGuard.Refusal.self) { try await strict.check(url) }
    }

    @Test(
        "plain http, credentials in the URL and relative URLs are refused",
        arguments: ["http://example.com/x", "https://u:p@example.com/x", "/hooks"]
    )
    func badForm(url: String) async {
        await #expect(throws: EndpointGuard.Refusal.self) { try await strict.check(url) }
    }

    @Test("a public address literal is allowed")
    func publicAddress() async throws {
        try await strict.check("https://93.184.216.34/hook")
    }

    @Test("the operator can allow private targets and plain http for development")
    func allowed() async throws {
        let relaxed = EndpointGuard(allowPrivateTargets: true)
        try await relaxed.check("http://127.0.0.1:9000/hook")
        try await relaxed.check("https://localhost/hook")
    }
}
