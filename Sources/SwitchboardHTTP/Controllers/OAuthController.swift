import Foundation
import Hummingbird
import SwitchboardDomain
import SwitchboardEngine

/// `GET /v1/oauth/callback`: where a provider sends the manager's browser back after they authorized
/// Switchboard. It carries no API key: the sealed `state` names the integration. The answer is a short page.
struct OAuthController {
    let dependencies: AppDependencies

    func register(on router: Router<SwitchboardRequestContext>) {
        router.get("/v1/oauth/callback", use: callback)
    }

    @Sendable func callback(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        if let error = query.get("error") {
            return Self.page(.badRequest, "Not connected", "The provider answered “\(error)”: nothing was changed. Start again from Switchboard.")
        }
        guard let state = query.get("state"), let code = query.get("code") else {
            return Self.page(.badRequest, "Not connected", "The link is incomplete (code and state are required). Start again from Switchboard.")
        }
        do {
            let integration = try await dependencies.integrations.completeAuthorization(state: state, code: code)
            let next =
                integration.status == .setupIncomplete
                ? (integration.statusDetail ?? "Choose the remaining settings and press Finish.") : "The new credentials are in use."
            return Self.page(
                .ok,
                "\(dependencies.catalogue.displayName(integration.provider)) connected",
                "“\(integration.label)” is authorized. \(next)"
            )
        } catch {
            let problem = ProblemMiddleware.problem(for: error)
            return Self.page(problem.status, "Not connected", problem.errors.first.map { "\($0.field) \($0.message)." } ?? problem.detail)
        }
    }

    static func page(_ status: HTTPResponse.Status, _ title: String, _ text: String) -> Response {
        func escape(_ value: String) -> String {
            value.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(escape(title)) · Switchboard</title></head>
            <body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 4em auto"><h1>\(escape(title))</h1><p>\(escape(text))</p>
            <p>You can close this tab and return to Switchboard.</p></body></html>
            """
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
