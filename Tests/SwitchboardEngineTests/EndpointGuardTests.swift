import SwitchboardEngine
import Synchronization
import Testing

@Suite("Endpoint guard")
struct EndpointGuardTests {
    let strict = EndpointGuard(allowPrivateTargets: false)

    @Test(
        "loopback, private, link-local and metadata targets are refused",
        arguments: [
            "https://127.0.0.1/hook", "https://10.0.0.5/hook", "https://169.254.169.254/latest/meta-data", "https://[::1]/hook",
            "https://localhost/hook", "https://192.168.1.20:8443/x", "https://[fe80::1]/x", "https://0.0.0.0/x",
            // 127.0.0.1 and 169.254.169.254 written as one decimal number, in hex, in octal, and shortened.
            "https://2130706433/x", "https://0x7f000001/x", "https://0177.0.0.1/x", "https://127.1/x", "https://0x7f.1/x", "https://2852039166/x",
            "https://0251.0376.0251.0376/x",
            // The same through IPv6 translation and tunnels.
            "https://[64:ff9b::7f00:1]/x", "https://[64:ff9b:1::a9fe:a9fe]/x", "https://[2002:7f00:1::]/x", "https://[::ffff:0:7f00:1]/x",
            "https://[fec0::1]/x", "https://[::ffff:127.0.0.1]/x", "https://198.18.0.1/x",
        ]
    )
    func refused(url: String) async {
        let refusal = await #expect(throws: EndpointGuard.Refusal.self) { try await strict.check(url) }
        // Refused for the address it names, not because the name could not be looked up.
        #expect(refusal?.unresolved == false, "\(url): \(String(describing: refusal))")
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

/// Answers lookups from a table the test changes, counting them.
final class ScriptedResolver: Sendable {
    private let state = Mutex((answers: [String: [String]](), lookups: 0))

    init(_ answers: [String: [String]]) {
        state.withLock { $0.answers = answers }
    }

    func answer(_ host: String, with addresses: [String]) {
        state.withLock { $0.answers[host] = addresses }
    }

    var lookups: Int { state.withLock { $0.lookups } }

    var resolve: HostResolver {
        { [self] host in
            let addresses = state.withLock { state in
                state.lookups += 1
                return state.answers[host]
            }
            guard let addresses else { throw EndpointGuard.Refusal(description: "no such host") }
            return addresses.map { ResolvedAddress(literal: $0)! }
        }
    }
}

@Suite("Endpoint guard: names and their addresses")
struct EndpointGuardResolutionTests {
    @Test("a name is checked by every address it resolves to, and the address to connect to is named (IPv4 first)")
    func namedDestination() async throws {
        let resolver = ScriptedResolver([
            "hooks.partner.test": ["2606:2800:220:1::1", "93.184.216.34"], "mixed.partner.test": ["93.184.216.34", "10.0.0.5"],
        ])
        let strict = EndpointGuard(allowPrivateTargets: false, resolver: resolver.resolve)
        let destination = try await strict.check("https://hooks.partner.test/hook")
        #expect(destination.host == "hooks.partner.test")
        #expect(destination.addresses == ["93.184.216.34", "2606:2800:220:1::1"].map { ResolvedAddress(literal: $0)! })
        await #expect(throws: EndpointGuard.Refusal.self) { try await strict.check("https://mixed.partner.test/hook") }
        let literal = try await strict.check("https://[2606:2800:220:1::1]:8443/hook")
        #expect(literal.address == ResolvedAddress(literal: "2606:2800:220:1::1"))
        #expect(resolver.lookups == 2, "an address literal is not looked up")
    }

    @Test("a name that answers a public address and then a loopback one is refused once its lookup says loopback")
    func rebinding() async throws {
        let resolver = ScriptedResolver(["rebind.partner.test": ["93.184.216.34"]])
        let strict = EndpointGuard(allowPrivateTargets: false, resolutionLifetime: .zero, resolver: resolver.resolve)
        #expect(try await strict.check("https://rebind.partner.test/hook").address == ResolvedAddress(literal: "93.184.216.34"))
        resolver.answer("rebind.partner.test", with: ["127.0.0.1"])
        await #expect(throws: EndpointGuard.Refusal(description: "the host rebind.partner.test resolves to 127.0.0.1, which is a loopback address")) {
            try await strict.check("https://rebind.partner.test/hook")
        }
    }

    @Test("checks within the resolution lifetime share one lookup; a failed lookup is not kept")
    func sharedLookups() async throws {
        let resolver = ScriptedResolver(["hooks.partner.test": ["93.184.216.34"]])
        let strict = EndpointGuard(allowPrivateTargets: false, resolutionLifetime: .seconds(60), resolver: resolver.resolve)
        try await withThrowingTaskGroup(of: EndpointGuard.Destination.self) { group in
            for _ in 0..<50 { group.addTask { try await strict.check("https://hooks.partner.test/hook") } }
            for try await destination in group { #expect(destination.address == ResolvedAddress(literal: "93.184.216.34")) }
        }
        #expect(resolver.lookups == 1)

        for _ in 0..<2 {
            do {
                try await strict.check("https://gone.partner.test/hook")
                Issue.record("an unresolvable name was allowed")
            } catch {
                #expect(error.unresolved)
                #expect(error.description == "the host gone.partner.test could not be resolved")
            }
        }
        #expect(resolver.lookups == 3)
        resolver.answer("gone.partner.test", with: ["93.184.216.35"])
        #expect(try await strict.check("https://gone.partner.test/hook").address == ResolvedAddress(literal: "93.184.216.35"))
    }
}
