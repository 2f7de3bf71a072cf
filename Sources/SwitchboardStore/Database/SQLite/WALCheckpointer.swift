import Foundation
import SQLiteDirect

/// Copies the SQLite write-ahead log back into the database file from a connection and thread of its own.
///
/// Left to the writing connection, a checkpoint runs inside the commit that fills the log: that commit copies
/// and syncs up to 64 MB while every other transaction (an arriving event's among them) waits behind it. Here
/// passive checkpoints run every `interval` beside the writer (SQLite lets a checkpoint copy frames while new ones
/// are appended); the writer keeps its own automatic checkpoint only as a backstop, for when the log outgrows what
/// this thread keeps up with.
///
/// Every tenth of a second rather than every second: each checkpoint ends with an fsync, and a second's worth of
/// 16 KiB pages made that sync long enough to stall the writer's commits behind it. p99 event→first attempt at
/// 1,000 events/s, same machine: 30–46 ms checkpointing every second, 17–29 ms every 250 ms, 16–18 ms every 100 ms.
/// When nothing was written, a checkpoint finds nothing to copy and costs next to nothing.
final class WALCheckpointer: @unchecked Sendable {
    private let handle: SQLiteHandle
    private let interval: TimeInterval
    // `condition` guards `stopping` and `running`.
    private let condition = NSCondition()
    private var stopping = false
    private var running = true

    /// Opens a second connection to the database at `path` and starts checkpointing.
    init(path: String, interval: TimeInterval = 0.1) throws {
        handle = try SQLiteHandle(path: path)
        try handle.execute("PRAGMA busy_timeout = 5000", []) { _, _ in }
        // A connection learns the database is in WAL mode when it first reads it; until then a checkpoint does nothing.
        try handle.execute("PRAGMA journal_mode", []) { _, _ in }
        self.interval = interval
        let thread = Thread { self.loop() }
        thread.name = "switchboard-sqlite-checkpoint"
        thread.start()
    }

    /// Stops the thread and closes its connection; returns once both are done.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            if !stopping { _ = condition.wait(until: Date().addingTimeInterval(interval)) }
            let stop = stopping
            condition.unlock()
            if stop { break }
            // A busy or locked database only means another checkpoint is running: the next round catches up.
            try? handle.checkpoint()
        }
        handle.close()
        condition.lock()
        running = false
        condition.broadcast()
        condition.unlock()
    }
}
