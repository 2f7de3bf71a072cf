import AsyncHTTPClient
import Foundation
import NIOCore

/// Plain POSTs from Switchboard's own HTTP client with no store: the client's ceiling.
enum ClientCeiling {
    /// POSTs per second over `length` seconds, and the process's CPU time per POST in microseconds.
    static func measure(url: String, body: [UInt8], connections: Int, seconds length: Int) async throws -> (rate: Double, cpuMicroseconds: Double) {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let deadline = ContinuousClock.now + .seconds(length)
        let buffer = ByteBuffer(bytes: body)
        let started = ContinuousClock.now
        let cpuStarted = processCPUSeconds()
        let count = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<connections {
                group.addTask {
                    var sent = 0
                    while ContinuousClock.now < deadline {
                        var request = HTTPClientRequest(url: url)
                        request.method = .POST
                        request.headers.add(name: "content-type", value: "application/json")
                        request.body = .bytes(buffer)
                        if let response = try? await client.execute(request, timeout: .seconds(15)) {
                            _ = try? await response.body.collect(upTo: 1 << 16)
                            sent += 1
                        }
                    }
                    return sent
                }
            }
            return await group.reduce(0, +)
        }
        let elapsed = ContinuousClock.now - started
        let cpu = processCPUSeconds() - cpuStarted
        try await client.shutdown()
        return (Double(count) / seconds(elapsed), cpu * 1e6 / Double(max(1, count)))
    }
}
