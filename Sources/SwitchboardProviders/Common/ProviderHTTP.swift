import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One JSON call to a provider's API: what every provider client sends and reads the same way. Answers of
/// any status come back for the client to interpret; only an unreachable provider is a failure here.
struct ProviderHTTP {
    struct Answer {
        let status: Int
        let headers: HTTPHeaders
        /// The JSON object of the body; nil when the body is empty or not a JSON object.
        let body: [String: Any]?

        var succeeded: Bool { (200..<300).contains(status) }
    }

    static func call(
        _ http: HTTPClient,
        _ method: HTTPMethod,
        _ url: String,
        authorization: String?,
        json: Any?,
        provider: String
    ) async throws(ProviderFailure) -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let authorization { request.headers.add(name: "authorization", value: authorization) }
        request.headers.add(name: "user-agent", value: "Switchboard/1.0")
        do {
            if let json {
                request.headers.add(name: "content-type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
            }
            let response = try await http.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 8 << 20)
            let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any]
            return Answer(status: Int(response.status.code), headers: response.headers, body: object)
        } catch {
            throw .unavailable("\(provider) could not be reached: \(error)")
        }
    }
}
