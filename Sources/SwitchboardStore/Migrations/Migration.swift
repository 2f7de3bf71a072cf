import SQLKit

/// One versioned schema change. Versions only grow; an applied migration is never edited.
struct Migration: Sendable {
    let version: Int
    let name: String
    /// Makes the change, inside the migration's transaction.
    let apply: @Sendable (_ db: any SQLDatabase, _ dialect: StoreDialect) async throws -> Void

    /// A change written alike for both engines.
    init(version: Int, name: String, statements: [String]) {
        self.init(version: version, name: name) { db, _ in
            for statement in statements { try await db.raw(SQLQueryString(statement)).run() }
        }
    }

    /// A change that differs by engine.
    init(version: Int, name: String, apply: @escaping @Sendable (_ db: any SQLDatabase, _ dialect: StoreDialect) async throws -> Void) {
        self.version = version
        self.name = name
        self.apply = apply
    }
}
