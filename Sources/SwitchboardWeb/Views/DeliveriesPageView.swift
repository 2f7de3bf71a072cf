/// An integration's deliveries log (`deliveries.mustache`): the chart, the filters, and the deliveries with their attempts.
struct DeliveriesPageView: Sendable {
    var chrome: Chrome
    var integrationLabel: String
    var integrationHref: String
    var action: String
    /// The chart's SVG (built and escaped by `DeliveryChart`).
    var chart: String
    var chartSummary: String
    var chartRows: [ChartRow]
    var ranges: [OptionView]
    var statuses: [OptionView]
    var eventTypes: [OptionView]
    var sinces: [OptionView]
    var deliveries: [DeliveryRow]
    var hasDeliveries: Bool
    var nextPage: String?
    var canResend: Bool
    var error: String?
}

/// One delivery in the log, with its attempts.
struct DeliveryRow: Sendable {
    var id: String
    var eventType: String
    var status: String
    var tone: String
    var created: String
    /// "1 attempt", "3 attempts".
    var attemptCount: String
    var lastResult: String
    var attempts: [AttemptRow]
    var canResend: Bool
}

/// One attempt of a delivery.
struct AttemptRow: Sendable {
    var at: String
    var result: String
    var latency: String
    var excerpt: String?
    var succeeded: Bool
}

/// The workspace's notifications (`notifications.mustache`).
struct NotificationsPageView: Sendable {
    var chrome: Chrome
    var notifications: [NotificationRow]
    var hasNotifications: Bool
}

/// One notification.
struct NotificationRow: Sendable {
    var id: String
    var title: String
    var body: String
    var at: String
    var unread: Bool
    var integrationHref: String?
}
