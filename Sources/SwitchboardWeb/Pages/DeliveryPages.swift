import Foundation
import Hummingbird
import SwitchboardDomain
import SwitchboardEngine
import SwitchboardHTTP
import SwitchboardStore

/// `/settings/integrations/{id}/deliveries`: the deliveries log of one integration — a chart of attempts per hour
/// (24 h) or per day (7 days), filters, each delivery with its attempts — and Re-send, one or all failed since a time.
struct DeliveryPages {
    let pages: IntegrationPages
    var store: Store { pages.store }

    static let pageSize = 50

    func register(on group: RouterGroup<SwitchboardRequestContext>) {
        group.get("/settings/integrations/:id/deliveries", use: show)
        group.post("/settings/integrations/:id/redeliver", use: resendAll)
        group.post("/settings/deliveries/:delivery/redeliver", use: resendOne)
    }

    @Sendable func show(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let session = try pages.session(context)
        guard let integration = try await pages.integration(context) else { return pages.notFound() }
        let query = request.uri.queryParameters
        let now = Date()
        var filter = DeliveryFilter(integrationID: integration.id)
        filter.status = query.get("status").flatMap(DeliveryStatus.init(rawValue:))
        filter.eventType = query.get("event_type").flatMap(OutboundEventType.init(rawValue:))
        let since = query.get("since").flatMap { Self.sinces[$0] }
        filter.since = since.map { now.addingTimeInterval(-$0.seconds) }
        let page = try await store.deliveries(workspaceID: session.workspaceId, filter: filter, limit: Self.pageSize, cursor: query.get("cursor"))
        var rows: [DeliveryRow] = []
        for delivery in page.items {
            let attempts = try await store.delivery(workspaceID: session.workspaceId, id: delivery.id)?.1 ?? []
            rows.append(Self.row(delivery, attempts: attempts, manager: session.role == .manager))
        }
        let weekly = query.get("range") == "7d"
        let chart = try await chart(session: session, integration: integration, weekly: weekly, now: now)
        var next: String?
        if let cursor = page.nextCursor {
            // Only values the page understood, encoded: nothing from the address goes back into a link as it came.
            let kept: [(String, String?)] = [
                ("cursor", cursor), ("status", filter.status?.rawValue), ("event_type", filter.eventType?.rawValue),
                ("since", since == nil ? nil : query.get("since")), ("range", weekly ? "7d" : nil),
            ]
            next =
                "?"
                + kept.compactMap { name, value in
                    value.flatMap { $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) }.map { "\(name)=\($0)" }
                }.joined(separator: "&")
        }
        let href = "/settings/integrations/\(integration.id)"
        let view = DeliveriesPageView(
            chrome: try await pages.chrome(request, session: session, title: "Deliveries · \(integration.label)"),
            integrationLabel: integration.label,
            integrationHref: href,
            action: href + "/deliveries",
            chart: chart.svg,
            chartSummary: "\(chart.totals.succeeded) succeeded, \(chart.totals.failed) failed",
            chartRows: chart.rows,
            ranges: [
                OptionView(value: "24h", label: "Last 24 hours", selected: !weekly), OptionView(value: "7d", label: "Last 7 days", selected: weekly),
            ],
            statuses: DeliveryStatus.allCases.map { OptionView(value: $0.rawValue, label: $0.rawValue, selected: $0 == filter.status) },
            eventTypes: OutboundEventType.allCases.map { OptionView(value: $0.rawValue, label: $0.rawValue, selected: $0 == filter.eventType) },
            sinces: Self.sinceOrder.map { OptionView(value: $0, label: Self.sinces[$0]!.label, selected: query.get("since") == $0) },
            deliveries: rows,
            hasDeliveries: !rows.isEmpty,
            nextPage: next,
            canResend: session.role == .manager,
            error: query.get("error").flatMap { Self.errors[$0] }
        )
        return pages.pages.page("deliveries", view)
    }

    /// Re-send one delivery (it goes back in the queue at once).
    @Sendable func resendOne(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let session = try pages.session(context)
        let id = try context.parameters.require("delivery")
        let service = DeliveryService(store: store, dispatch: pages.dependencies.localDispatch)
        guard let delivery = try await store.delivery(workspaceID: session.workspaceId, id: id)?.0 else { return pages.notFound() }
        let back = "/settings/integrations/\(delivery.integrationId)/deliveries"
        guard try await service.redeliver(workspaceID: session.workspaceId, id: id) != nil else {
            return PageRenderer.redirect(back + "?error=not-resent")
        }
        return PageRenderer.redirect(back + "?done=resent")
    }

    /// Re-send every failed (or skipped) delivery since a time: a job, shown with its progress.
    @Sendable func resendAll(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let session = try pages.session(context)
        guard let integration = try await pages.integration(context) else { return pages.notFound() }
        let form = try await IntegrationActions.form(request, context: context)
        let back = "/settings/integrations/\(integration.id)/deliveries"
        guard let status = form["status"].flatMap(DeliveryStatus.init(rawValue:)), status == .failed || status == .skipped,
            let since = form["since"].flatMap({ Self.sinces[$0] })
        else { return PageRenderer.redirect(back + "?error=bad-resend") }
        guard integration.status != .paused else { return PageRenderer.redirect(back + "?error=paused") }
        let job = try await BulkRedelivery.start(
            store: store,
            workspaceID: session.workspaceId,
            integrationID: integration.id,
            status: status,
            since: Date().addingTimeInterval(-since.seconds)
        )
        return PageRenderer.redirect("/settings/jobs/\(job.id)")
    }

    /// The chart of the last 24 hours, by hour, or of the last 7 days, by day (UTC).
    private func chart(session: WebSession, integration: Integration, weekly: Bool, now: Date) async throws -> DeliveryChart {
        let bucket: Int64 = weekly ? 86_400_000 : 3_600_000
        let count = weekly ? 7 : 24
        let since = Date(timeIntervalSince1970: Double((Int64(now.timeIntervalSince1970 * 1000) / bucket - Int64(count - 1)) * bucket) / 1000)
        let buckets = try await store.attemptCounts(workspaceID: session.workspaceId, integrationID: integration.id, since: since, bucket: bucket)
        let label: @Sendable (Date) -> String = weekly ? Self.dayLabel : Self.hourLabel
        return DeliveryChart(buckets: buckets, now: now, bucket: bucket, count: count, periodName: weekly ? "day" : "hour", label: label)
    }

    /// "14:00" (UTC).
    static func hourLabel(_ date: Date) -> String {
        String(format: "%02d:00", utc.component(.hour, from: date))
    }

    /// "Mon 3" (UTC).
    static func dayLabel(_ date: Date) -> String {
        let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        return "\(names[utc.component(.weekday, from: date) - 1]) \(utc.component(.day, from: date))"
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    static func row(_ delivery: Delivery, attempts: [Attempt], manager: Bool) -> DeliveryRow {
        let rows = attempts.reversed().map { attempt in
            let succeeded = attempt.statusCode.map { (200..<300).contains($0) } ?? false
            return AttemptRow(
                at: Timestamp.format(Timestamp.date(milliseconds: attempt.attemptedAt)),
                result: attempt.statusCode.map { "HTTP \($0)" } ?? (attempt.error ?? attempt.errorClass ?? "no answer"),
                latency: "\(attempt.durationMs) ms",
                excerpt: attempt.responseBody.flatMap { $0.isEmpty ? nil : String($0.prefix(300)) },
                succeeded: succeeded
            )
        }
        return DeliveryRow(
            id: delivery.id,
            eventType: delivery.eventType.rawValue,
            status: delivery.status.rawValue,
            tone: Self.tones[delivery.status] ?? "paused",
            created: Timestamp.format(Timestamp.date(milliseconds: delivery.createdAt)),
            attemptCount: delivery.attempts == 1 ? "1 attempt" : "\(delivery.attempts) attempts",
            lastResult: delivery.lastStatusCode.map { "HTTP \($0)" } ?? delivery.lastError ?? "—",
            attempts: rows,
            canResend: manager && delivery.status != .pending
        )
    }

    static let tones: [DeliveryStatus: String] = [
        .succeeded: "active", .pending: "setup", .failed: "failed", .skipped: "paused", .cancelled: "paused",
    ]

    /// The periods the filter and Re-send all offer.
    static let sinceOrder = ["1h", "24h", "7d", "30d"]
    static let sinces: [String: (label: String, seconds: TimeInterval)] = [
        "1h": ("the last hour", 3600), "24h": ("the last 24 hours", 86_400), "7d": ("the last 7 days", 7 * 86_400),
        "30d": ("the last 30 days", 30 * 86_400),
    ]

    static let errors = [
        "not-resent": "That delivery cannot be re-sent now: it is still pending, or its integration is paused or deleted.",
        "bad-resend": "Choose failed or skipped deliveries and a period to re-send.",
        "paused": "Resume the integration before re-sending: nothing is sent while it is paused.",
    ]
}
