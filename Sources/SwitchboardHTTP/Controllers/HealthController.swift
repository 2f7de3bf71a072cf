import Hummingbird
import SwitchboardEngine
import SwitchboardStore

/// `/healthz`, `/readyz` and `/metrics`.
struct HealthController {
    let dependencies: AppDependencies

    struct Status: Encodable {
        let status: String
        let detail: String?
    }

    func register(on router: Router<SwitchboardRequestContext>) {
        router.get("healthz") { _, _ in try JSONResponse.make(Status(status: "ok", detail: nil)) }
        router.get("readyz", use: ready)
        router.get("metrics", use: metrics)
    }

    /// Ready when the database answers (within two seconds: a probe gets its answer, not a hung request) and carries
    /// every migration this build knows.
    @Sendable func ready(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        do {
            let database = dependencies.store.database
            let version = try await database.answering(within: .seconds(2)) { try await Migrator(database: database).currentVersion() }
            guard version >= Migrator.latestVersion else {
                return try JSONResponse.make(
                    Status(status: "unavailable", detail: "migrations pending: at \(version), need \(Migrator.latestVersion)"),
                    status: .serviceUnavailable
                )
            }
            return try JSONResponse.make(Status(status: "ok", detail: nil))
        } catch {
            return try JSONResponse.make(Status(status: "unavailable", detail: "database unreachable"), status: .serviceUnavailable)
        }
    }

    /// Prometheus text format; queue gauges are read fresh from the store.
    @Sendable func metrics(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        if let statistics = try? await dependencies.store.queueStatistics() {
            QueueGauges.update(pending: statistics.pending, oldestDueAge: statistics.oldestDueAge)
        }
        var buffer: [UInt8] = []
        dependencies.metrics.emit(into: &buffer)
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: buffer))
        )
    }
}
