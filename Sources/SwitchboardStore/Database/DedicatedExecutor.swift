import Foundation

/// A task executor with a thread of its own.
///
/// A SQLite database runs its transactions on one, so that its statements are plain function calls on a
/// thread that nothing else competes for, instead of hops between thread pools while the lock is held.
final class DedicatedExecutor: TaskExecutor, @unchecked Sendable {
    // `condition` guards `jobs`, `stopping` and `threadRunning`.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopping = false
    private var threadRunning = true
    private let name: String

    /// Starts the executor's thread; it runs until `stop()`.
    init(name: String) {
        self.name = name
        startThread()
    }

    private func startThread() {
        let thread = Thread { self.runLoop() }
        thread.name = name
        thread.start()
    }

    /// Ends the thread once the jobs queued so far have run.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    /// Queues a job. One that arrives after `stop()` still runs, on a thread started for it, so that a late
    /// caller gets an answer (the closed database's error) instead of waiting forever.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        let restart = !threadRunning
        threadRunning = true
        condition.signal()
        condition.unlock()
        if restart { startThread() }
    }

    private func runLoop() {
        var batch: [UnownedJob] = []
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                threadRunning = false
                condition.unlock()
                return
            }
            swap(&batch, &jobs)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
