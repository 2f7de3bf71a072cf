import AsyncHTTPClient
import ServiceLifecycle
import SwitchboardEngine

/// Keeps the HTTP clients alive for the service group and shuts them down gracefully.
struct HTTPClientService: Service {
    let client: HTTPClient
    let webhookClients: PinnedClients

    func run() async throws {
        try? await gracefulShutdown()
        try await webhookClients.shutdown()
        try await client.shutdown()
    }
}
