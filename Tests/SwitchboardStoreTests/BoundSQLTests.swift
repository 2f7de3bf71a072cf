import SQLKit
import SwitchboardTestSupport
import Testing

@testable import SwitchboardStore

@Suite("Bound SQL statements")
struct BoundSQLTests {
    @Test("values bind in order, NULLs keep their type, and a literal ? stays text", arguments: StoreEngine.allCases)
    func bindsInOrder(engine: StoreEngine) async throws {
        try await withStore(engine) { store in
            var statement = BoundSQL(
                "SELECT '?' AS mark, v.column1 AS name, CAST(v.column2 AS BIGINT) AS count, CAST(v.column3 AS TEXT) AS note FROM (VALUES "
            )
            statement.appendRows([
                [.text("first"), .integer(Int64(1) << 40), .text(nil)],
                [.text("it's ?"), .integer(nil as Int64?), .text("x")],
            ])
            statement.append(") AS v WHERE v.column1 <> ")
            statement.append(.text("nobody"))
            statement.append(" ORDER BY v.column1")
            let query = statement
            let rows = try await store.database.withConnection { db in try await db.bound(query).all() }
            #expect(rows.count == 2)
            #expect(try rows.map { try $0.decode(column: "mark", as: String.self) } == ["?", "?"])
            #expect(try rows.map { try $0.decode(column: "name", as: String.self) } == ["first", "it's ?"])
            #expect(try rows.map { try $0.decode(column: "count", as: Int64?.self) } == [1 << 40, nil])
            #expect(try rows.map { try $0.decode(column: "note", as: String?.self) } == [nil, "x"])
        }
    }

    @Test("text binds as its exact bytes: empty is not NULL, non-ASCII and long text round-trip", arguments: StoreEngine.allCases)
    func textRoundTrips(engine: StoreEngine) async throws {
        let texts = ["", "é ü ✓ 日本", "short", String(repeating: "long text ", count: 200)]
        try await withStore(engine) { store in
            var statement = BoundSQL("SELECT CAST(v.column1 AS TEXT) AS text, v.column2 AS position FROM (VALUES ")
            statement.appendRows(texts.enumerated().map { [.text($1), .integer(Int64($0))] })
            statement.append(") AS v ORDER BY v.column2")
            let query = statement
            let rows = try await store.database.withConnection { db in try await db.bound(query).all() }
            #expect(try rows.map { try $0.decode(column: "text", as: String?.self) } == texts)
        }
    }

    @Test("rows as a table and as an insert's rows: the same values on both engines, NULLs and empty text included", arguments: StoreEngine.allCases)
    func rowSources(engine: StoreEngine) async throws {
        let rows: [[BoundValue]] = [
            [.text("a"), .integer(Int64(1) << 40), .text(nil)],
            [.text(""), .integer(nil as Int64?), .text("it's ?")],
            [.text("日本"), .integer(-7), .text("")],
        ]
        try await withStore(engine) { store in
            let dialect = store.database.dialect
            var table = BoundSQL("SELECT v.column1 AS name, CAST(v.column2 AS BIGINT) AS count, CAST(v.column3 AS TEXT) AS note FROM ")
            table.appendTable(rows, dialect: dialect)
            table.append(" ORDER BY CAST(v.column2 AS BIGINT) DESC NULLS LAST")
            try await store.database.transaction { [table] db in
                try await db.raw("CREATE TEMPORARY TABLE bound_rows (name TEXT NOT NULL, count BIGINT, note TEXT)").run()
                var insert = BoundSQL("INSERT INTO bound_rows (name, count, note) ")
                insert.appendInsertRows(rows, dialect: dialect)
                try await db.bound(insert).run()
                for query in [table, BoundSQL("SELECT name, count, note FROM bound_rows ORDER BY count DESC NULLS LAST")] {
                    let read = try await db.bound(query).all()
                    #expect(try read.map { try $0.decode(column: "name", as: String.self) } == ["a", "日本", ""])
                    #expect(try read.map { try $0.decode(column: "count", as: Int64?.self) } == [1 << 40, -7, nil])
                    #expect(try read.map { try $0.decode(column: "note", as: String?.self) } == [nil, "", "it's ?"])
                }
                try await db.raw("DROP TABLE bound_rows").run()
            }
        }
    }
}
