import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SwitchboardProviders

/// What the provider emulators share for OAuth 2: form bodies, and the consent step, which an emulator
/// grants at once (there is no one to click "Allow") by redirecting back with a code.
enum OAuthEmulation {
    /// A form-encoded body (`application/x-www-form-urlencoded`) as fields.
    static func form(_ request: Request) async -> [String: String] {
        guard let buffer = try? await request.body.collect(upTo: 64 << 10) else { return [:] }
        return formFields(String(decoding: buffer.readableBytesView, as: UTF8.self))
    }

    /// Form-encoded text as fields.
    static func formFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        return fields
    }

    /// The consent page's answer: back to `redirect_uri` with `code` and the caller's `state`.
    static func redirect(to redirectURI: String, code: String, state: String?) -> Response {
        var components = URLComponents(string: redirectURI)
        let existing = components?.queryItems ?? []
        components?.queryItems = existing + [URLQueryItem(name: "code", value: code)] + (state.map { [URLQueryItem(name: "state", value: $0)] } ?? [])
        var headers = HTTPFields()
        headers[.location] = components?.string ?? redirectURI
        return Response(status: .found, headers: headers)
    }

    /// A JSON answer with a status.
    static func json(_ status: HTTPResponse.Status, _ body: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: body)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func token() -> String {
        UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }
}
