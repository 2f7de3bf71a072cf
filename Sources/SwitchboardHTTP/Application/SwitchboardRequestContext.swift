import Hummingbird
import NIOCore
import SwitchboardStore

/// The request context of every route: the authenticated API key (API) or the signed-in browser (web UI), once
/// their middleware ran.
public struct SwitchboardRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connected peer (a reverse proxy's address when there is one).
    public let remoteAddress: SocketAddress?
    /// The caller's key; set by `AuthMiddleware` on `/v1` routes.
    public var apiKey: APIKey?
    /// The browser's session; set by the web UI's session middleware on its pages.
    public var webSession: WebSession?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// Request bodies above 1 MiB are refused with 413.
    public var maxUploadSize: Int { 1 << 20 }

    /// The authenticated workspace. Routes behind `AuthMiddleware` always have one.
    func workspaceID() throws -> String {
        guard let apiKey else { throw APIError.unauthorized }
        return apiKey.workspaceId
    }

    /// The workspace, when the key may change things (`manager`); 403 for `member` keys.
    func managerWorkspaceID() throws -> String {
        guard let apiKey else { throw APIError.unauthorized }
        guard apiKey.role == .manager else { throw APIError.forbidden }
        return apiKey.workspaceId
    }
}
