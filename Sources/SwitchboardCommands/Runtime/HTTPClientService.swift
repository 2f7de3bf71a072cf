import AsyncHTTPClient
import ServiceLifecycle

/// Keeps the shared HTTP client alive for the service group and shuts it down gracefully.
struct HTTPClientService: Service {
    let client: HTTPClient

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
