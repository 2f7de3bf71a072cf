import Crypto
import Foundation
import Hummingbird
import SwitchboardHTTP

/// The stylesheet and script compiled into the binary (`Assets/`), served under a name that changes with their
/// content, so browsers keep them for a year and never use a stale one.
enum Assets {
    static let css = PackageResources.app_css
    static let js = PackageResources.app_js

    /// The first 12 hex digits of SHA-256 over both files: the `?v=` of their links.
    static let version: String = {
        SHA256.hash(data: css + js).prefix(6).map { String(format: "%02x", $0) }.joined()
    }()

    static func register(on router: Router<SwitchboardRequestContext>) {
        router.get("/assets/app.css") { _, _ in response(css, type: "text/css; charset=utf-8") }
        router.get("/assets/app.js") { _, _ in response(js, type: "text/javascript; charset=utf-8") }
    }

    private static func response(_ bytes: [UInt8], type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "public, max-age=31536000, immutable"
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
