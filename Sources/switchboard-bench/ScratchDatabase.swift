import Foundation
import SwitchboardStore

/// A fresh SQLite file in the temporary directory for one benchmark run.
struct ScratchDatabase {
    let path: String

    init(_ name: String) {
        path = FileManager.default.temporaryDirectory.appending(path: "switchboard-\(name)-\(UUID().uuidString.prefix(8)).db").path
    }

    /// The database a benchmark runs on: `given` (a `--database-url`), or else this scratch file.
    func url(unless given: String?) throws -> DatabaseURL {
        try DatabaseURL(given ?? "sqlite://\(path)")
    }

    /// Deletes the database with its key file, write-ahead log and shared memory.
    func remove() {
        for suffix in ["", ".key", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
