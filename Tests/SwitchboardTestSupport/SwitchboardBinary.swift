import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardDomain

/// Finding and driving the built `switchboard` executable.
public enum SwitchboardBinary {
    public struct Missing: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// `.build/debug/switchboard` (or release), built by `swift test` along with the tests.
    public static func path() throws -> String {
        let root = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for configuration in ["debug", "release"] {
            let path = root.appending(path: ".build/\(configuration)/switchboard").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw Missing(description: "build the executable first: swift build --product switchboard")
    }

    public static func waitUntilHealthy(client: HTTPClient, api: String, server: BackgroundProcess) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let response = try? await client.execute(HTTPClientRequest(url: "\(api)/readyz"), timeout: .seconds(2)), response.status == .ok {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Missing(description: "switchboard serve did not become ready: \(server.output.suffix(2000))")
    }

    public static func post(client: HTTPClient, url: String, key: String, body: String) async throws -> HTTPClientResponse {
        try await call(client: client, .POST, url: url, key: key, body: body).response
    }

    /// A request with its answer's JSON.
    public static func call(
        client: HTTPClient,
        _ method: HTTPMethod,
        url: String,
        key: String,
        body: String? = nil
    ) async throws -> (response: HTTPClientResponse, json: JSONValue) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "authorization", value: "Bearer \(key)")
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (response, (try? JSONDecoder().decode(JSONValue.self, from: Data(bytes.readableBytesView))) ?? .null)
    }
}
