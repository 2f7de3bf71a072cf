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
}
