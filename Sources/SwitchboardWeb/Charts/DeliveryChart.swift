import Foundation
import SwitchboardStore

/// The deliveries chart: succeeded and failed attempts per period as stacked bars, drawn on the server as inline SVG
/// (no script, no library), with a text summary for screen readers.
struct DeliveryChart: Sendable {
    /// The periods shown, oldest first: each one's start and counts (zero where nothing was attempted).
    let periods: [AttemptBucket]
    /// How a period's start is labelled ("14:00", "Mon 3").
    let label: @Sendable (Date) -> String
    let periodName: String

    /// `count` periods of `bucket` milliseconds ending with the one that holds `now`, filled from `buckets`.
    init(buckets: [AttemptBucket], now: Date, bucket: Int64, count: Int, periodName: String, label: @escaping @Sendable (Date) -> String) {
        let current = Int64(now.timeIntervalSince1970 * 1000) / bucket * bucket
        let byStart = Dictionary(buckets.map { ($0.start, $0) }) { first, _ in first }
        periods = (0..<count).reversed().map { back in
            let start = current - Int64(back) * bucket
            return byStart[start] ?? AttemptBucket(start: start, succeeded: 0, failed: 0)
        }
        self.label = label
        self.periodName = periodName
    }

    /// The figures behind the bars, for a table screen readers read (the bars' tooltips need a mouse).
    var rows: [ChartRow] {
        periods.map { ChartRow(period: label(Date(timeIntervalSince1970: Double($0.start) / 1000)), succeeded: $0.succeeded, failed: $0.failed) }
    }

    var totals: (succeeded: Int, failed: Int) {
        (periods.map(\.succeeded).reduce(0, +), periods.map(\.failed).reduce(0, +))
    }

    /// The SVG element, escaped where it holds text.
    var svg: String {
        let (width, height, top, bottom, left) = (720.0, 180.0, 10.0, 24.0, 36.0)
        let plot = height - top - bottom
        let peak = max(1, periods.map { $0.succeeded + $0.failed }.max() ?? 1)
        let step = (width - left) / Double(max(periods.count, 1))
        let bar = max(2, step * 0.7)
        var parts: [String] = []
        let (succeeded, failed) = totals
        let summary = "\(succeeded) succeeded and \(failed) failed attempts in the last \(periods.count) \(periodName)s"
        parts.append(
            #"<svg class="chart" viewBox="0 0 \#(Int(width)) \#(Int(height))" role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">"#
        )
        parts.append(#"<title id="chart-title">\#(Self.escape(summary))</title>"#)
        parts.append(#"<text x="0" y="\#(top + 8)" class="axis">\#(peak)</text><text x="0" y="\#(height - bottom)" class="axis">0</text>"#)
        parts.append(#"<line x1="\#(left)" y1="\#(height - bottom)" x2="\#(width)" y2="\#(height - bottom)" class="baseline"/>"#)
        for (index, period) in periods.enumerated() {
            let x = left + Double(index) * step + (step - bar) / 2
            let okHeight = plot * Double(period.succeeded) / Double(peak)
            let failHeight = plot * Double(period.failed) / Double(peak)
            let base = height - bottom
            let when = Self.escape(label(Date(timeIntervalSince1970: Double(period.start) / 1000)))
            let tip = "\(when): \(period.succeeded) succeeded, \(period.failed) failed"
            if period.succeeded > 0 {
                parts.append(
                    #"<rect x="\#(Self.number(x))" y="\#(Self.number(base - okHeight))" width="\#(Self.number(bar))" height="\#(Self.number(okHeight))" class="ok"><title>\#(tip)</title></rect>"#
                )
            }
            if period.failed > 0 {
                parts.append(
                    #"<rect x="\#(Self.number(x))" y="\#(Self.number(base - okHeight - failHeight))" width="\#(Self.number(bar))" height="\#(Self.number(failHeight))" class="failed"><title>\#(tip)</title></rect>"#
                )
            }
            // About six labels along the axis, so that they never overlap.
            if index % max(1, periods.count / 6) == 0 {
                parts.append(#"<text x="\#(Self.number(x))" y="\#(height - 6)" class="axis">\#(when)</text>"#)
            }
        }
        parts.append("</svg>")
        return parts.joined()
    }

    private static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}

/// One period of the chart as a table row.
struct ChartRow: Sendable {
    var period: String
    var succeeded: Int
    var failed: Int
}
