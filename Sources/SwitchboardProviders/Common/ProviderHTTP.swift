import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardDomain
import SwitchboardEngine

/// One JSON call to a provider's API: what every provider client sends and reads the same way. Answers of
/// any status come back for the client to interpret; only an unreachable provider is a failure here. Each
/// call first takes a request from the integration's budget; a client that reads a 429 stops the budget for
/// the wait the provider asks for (`Pacing.note`), so that every caller of that integration slows down together.
struct ProviderHTTP {
    /// The rate budget calls take from, and for whom.
    struct Pacing: Sendable {
        let budget: RequestBudget
        let priority: RequestBudget.Priority

        static func of(_ connection: ProviderConnection) -> Pacing {
            Pacing(budget: connection.budget, priority: connection.priority)
        }

        /// Passes a failure through, stopping the budget first when it is a throttle.
        func note(_ failure: ProviderFailure) -> ProviderFailure {
            switch failure {
            case .throttled(let retryAfter): budget.throttled(retryAfter: retryAfter)
            case .quotaExhausted(let retryAfter, let detail): budget.throttled(retryAfter: retryAfter, detail: detail)
            default: break
            }
            return failure
        }
    }

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
        provider: String,
        pacing: Pacing?,
        contentType: String = "application/json"
    ) async throws(ProviderFailure) -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let authorization { request.headers.add(name: "authorization", value: authorization) }
        request.headers.add(name: "user-agent", value: "Switchboard/1.0")
        do {
            try await pacing?.budget.acquire(pacing?.priority ?? .live)
        } catch let exhausted as RequestBudget.Exhausted {
            // Stopped for long by the provider: the caller tries again later instead of holding on here.
            if let detail = exhausted.detail { throw .quotaExhausted(retryAfter: exhausted.retryAfter, detail: detail) }
            throw .throttled(retryAfter: exhausted.retryAfter)
        } catch {
            throw .unavailable("cancelled while waiting for \(provider)'s rate limit")
        }
        if let json {
            request.headers.add(name: "content-type", value: contentType)
            do {
                request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
            } catch {
                throw .unavailable("\(provider) could not be reached: \(error)")
            }
        }
        return try await send(http, request, provider: provider, upTo: 8 << 20)
    }

    /// A form-encoded POST (OAuth token endpoints), unpaced: it is not an API call of the integration.
    static func postForm(_ http: HTTPClient, _ url: String, _ fields: [String: String], provider: String) async throws(ProviderFailure) -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "user-agent", value: "Switchboard/1.0")
        request.body = .bytes(ByteBuffer(string: formEncode(fields)))
        return try await send(http, request, provider: provider, upTo: 1 << 20)
    }

    /// Sends a request and reads its answer (a JSON object body, up to `limit` bytes); a request that gets no
    /// answer is `.unavailable`.
    private static func send(
        _ http: HTTPClient,
        _ request: HTTPClientRequest,
        provider: String,
        upTo limit: Int
    ) async throws(ProviderFailure)
        -> Answer
    {
        do {
            let response = try await http.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: limit)
            let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any]
            return Answer(status: Int(response.status.code), headers: response.headers, body: object)
        } catch {
            throw .unavailable("\(provider) could not be reached: \(error)")
        }
    }

    static func formEncode(_ fields: [String: String]) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return fields.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.value)" }
            .joined(separator: "&")
    }

    /// `base?name=value&…`, values percent-encoded.
    static func url(_ base: String, query: [String: String]) -> String {
        base + "?" + formEncode(query)
    }
}
