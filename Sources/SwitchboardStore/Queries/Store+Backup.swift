import Foundation
import SQLKit

extension Store {
    /// Writes a consistent copy of a SQLite database, as of one moment, to a new file at `path` while others keep
    /// reading and writing (SQLite's `VACUUM INTO`; the copy is also compacted).
    public func backUpSQLite(to path: String) async throws {
        try await database.withConnection { db in
            try await db.raw("VACUUM INTO \(bind: path)").run()
        }
    }
}
