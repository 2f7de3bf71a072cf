import Foundation
import SQLKit
import SQLiteDirect
import SwitchboardTestSupport
import Testing

@testable import SwitchboardStore

@Suite("SQLite file layout and checkpoints")
struct WALCheckpointTests {
    @Test("the write-ahead log is copied into the database file beside the writer, while the database stays open", .timeLimit(.minutes(1)))
    func checkpointsInTheBackground() async throws {
        let path = ScratchDirectory.file("wal", extension: "db")
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let database = try await Database.open(.sqlite(path: path), logger: testLogger)
        let marker = "checkpointed-\(UUID().uuidString)"
        let found = try await database.whileRunning {
            try await database.transaction { db in
                try await db.raw("CREATE TABLE notes (text TEXT NOT NULL)").run()
                try await db.raw("INSERT INTO notes (text) VALUES (\(bind: marker))").run()
            }
            // The writer's own checkpoint would wait for 64 MB of log: only the background one copies this soon.
            for _ in 0..<100 {
                if let file = FileManager.default.contents(atPath: path), file.range(of: Data(marker.utf8)) != nil { return true }
                try await Task.sleep(for: .milliseconds(50))
            }
            return false
        }
        #expect(found, "the committed row reached the database file within 5 s")
    }

    @Test("a new database is laid out in 16 KiB pages; an existing one keeps the page size it was made with")
    func pageSize() async throws {
        let fresh = ScratchDirectory.file("pages", extension: "db")
        let existing = ScratchDirectory.file("pages", extension: "db")
        defer {
            for path in [fresh, existing] { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        }
        // A database made by an earlier version, with SQLite's default 4 KiB pages.
        let old = try SQLiteHandle(path: existing)
        try old.execute("CREATE TABLE notes (text TEXT NOT NULL)", []) { _, _ in }
        old.close()

        func pageSize(at path: String) async throws -> Int {
            let database = try await Database.open(.sqlite(path: path), logger: testLogger)
            return try await database.whileRunning {
                try await database.withConnection { db in
                    try await db.raw("CREATE TABLE IF NOT EXISTS notes (text TEXT NOT NULL)").run()
                    return try await db.raw("PRAGMA page_size").first(decodingColumn: "page_size", as: Int.self) ?? 0
                }
            }
        }
        #expect(try await pageSize(at: fresh) == 16384)
        #expect(try await pageSize(at: existing) == 4096)
    }
}
