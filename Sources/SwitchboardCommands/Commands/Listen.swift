import ArgumentParser
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SwitchboardDomain

/// `switchboard listen`: a local receiver that verifies Standard Webhooks signatures and prints each delivery.
struct Listen: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Receive webhooks locally, verify their signatures, and print them.",
        discussion: """
            Point a webhook integration at http://HOST:PORT/ (with private targets allowed) and pass its signing secret in \
            SWITCHBOARD_LISTEN_SECRET: unlike a flag, the environment is not shown to other users by `ps`.
            """
    )

    @Option(help: "The integration's signing secret (whsec_…); prefer env SWITCHBOARD_LISTEN_SECRET, which `ps` does not show.")
    var secret: String?

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 9000

    func run() async throws {
        guard let text = secret ?? Environment.value("SWITCHBOARD_LISTEN_SECRET"), let secret = SigningSecret(text) else {
            throw ValidationError(
                "set SWITCHBOARD_LISTEN_SECRET to a whsec_ secret (copy it from GET /v1/integrations/{id}/secret)"
            )
        }
        if self.secret != nil {
            FileHandle.standardError.write(
                Data("warning: --secret is visible to every user of this machine in `ps`; set SWITCHBOARD_LISTEN_SECRET instead.\n".utf8)
            )
        }
        var logger = Logger(label: "switchboard.listen")
        logger.logLevel = .warning
        let receiver = VerifyingReceiver(verifier: SignatureVerifier(secret: secret)) { line in print(line) }
        let app = Application(
            router: receiver.router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "switchboard-listen"),
            onServerRunning: { _ in print("Listening on http://\(host):\(port)/ — deliveries are verified and printed as they arrive.") },
            logger: logger
        )
        try await app.runService()
    }
}

/// Verifies each POST with a Standard Webhooks verifier and reports it: 204 when valid, 401 when not.
struct VerifyingReceiver: Sendable {
    let verifier: SignatureVerifier
    let report: @Sendable (String) -> Void

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            let bytes = Array(body.readableBytesView)
            let id = request.headers[.webhookID]
            do {
                try verifier.verify(
                    messageID: id,
                    timestamp: request.headers[.webhookTimestamp],
                    signatureHeader: request.headers[.webhookSignature],
                    body: bytes
                )
            } catch {
                report("✗ \(id ?? "-") rejected: \(error)")
                return Response(status: .unauthorized)
            }
            let type = (try? JSONValue(json: bytes))?["type"]?.stringValue ?? "?"
            report("✓ \(id ?? "-") \(type) \(String(decoding: bytes, as: UTF8.self))")
            return Response(status: .noContent)
        }
        router.post("/", use: handler)
        router.post("**", use: handler)
        return router
    }
}

extension HTTPField.Name {
    static let webhookID = HTTPField.Name("webhook-id")!
    static let webhookTimestamp = HTTPField.Name("webhook-timestamp")!
    static let webhookSignature = HTTPField.Name("webhook-signature")!
}
