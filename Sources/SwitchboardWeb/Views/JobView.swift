import Foundation
import SwitchboardStore

/// A background job's page (`job.mustache`): what it does, a progress bar the page's script keeps current, its
/// errors, and Cancel while it runs.
struct JobPageView: Sendable {
    var chrome: Chrome
    var job: JobView
    var integrationLabel: String
    var integrationHref: String?
}

/// A job's progress as the page and its polling read it.
struct JobView: Sendable, Encodable {
    var id: String
    var title: String
    var status: String
    var done: Int
    var total: Int
    var failed: Int
    var percent: Int
    var running: Bool
    var errors: [String]
    var hasErrors: Bool

    init(_ job: Job) {
        id = job.id
        title = job.kind == "resync" ? "Resync historical contacts" : "Re-send deliveries"
        status = job.status.rawValue
        (done, total, failed) = (job.done, job.total, job.failed)
        percent = job.total > 0 ? min(100, job.done * 100 / job.total) : (job.status == .succeeded ? 100 : 0)
        running = job.status == .queued || job.status == .running
        errors = (try? JSONDecoder().decode([String].self, from: Data(job.errors.utf8))) ?? []
        hasErrors = !errors.isEmpty
    }
}
