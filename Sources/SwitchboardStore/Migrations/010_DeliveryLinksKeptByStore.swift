import SQLKit

/// Deliveries and attempts lose their foreign keys (to events and integrations; to deliveries). The store keeps
/// these links itself: deliveries are written only in their event's transaction, for integrations that are never
/// removed (deleting one marks it), and attempts only for deliveries being attempted, which are pending and so never
/// removed. What the keys cost: a lookup of the parent row for every delivery and attempt written (on PostgreSQL a
/// trigger and a row lock each, ~12 % of the server's time on the delivery path), and the history retention
/// (`Store.pruneHistory`) could not remove an event without a scan of `deliveries`, which has no index on
/// `event_id`.
let deliveryLinksKeptByStore = Migration(version: 10, name: "delivery links kept by the store") { db, dialect in
    switch dialect {
    case .postgres:
        for (table, constraint) in [
            ("deliveries", "deliveries_event_id_fkey"), ("deliveries", "deliveries_integration_id_fkey"), ("attempts", "attempts_delivery_id_fkey"),
        ] {
            try await db.raw("ALTER TABLE \(unsafeRaw: table) DROP CONSTRAINT IF EXISTS \(unsafeRaw: constraint)").run()
        }
    case .sqlite:
        // SQLite cannot drop a constraint. Its documented way to remove a FOREIGN KEY clause, which changes nothing
        // stored, is to edit the table's definition in sqlite_schema and raise the schema version so that every
        // connection reads it again (https://sqlite.org/lang_altertable.html#otheralter).
        guard let version = try await db.raw("PRAGMA schema_version").first(decodingColumn: "schema_version", as: Int.self) else {
            throw SchemaVersionUnreadable()
        }
        try await db.raw("PRAGMA writable_schema = ON").run()
        try await db.raw(
            """
            UPDATE sqlite_schema SET sql = replace(replace(sql, ' REFERENCES integrations (id)', ''), ' REFERENCES events (id)', '')
            WHERE type = 'table' AND name = 'deliveries'
            """
        ).run()
        try await db.raw(
            "UPDATE sqlite_schema SET sql = replace(sql, ' REFERENCES deliveries (id)', '') WHERE type = 'table' AND name = 'attempts'"
        ).run()
        try await db.raw("PRAGMA schema_version = \(unsafeRaw: String(version + 1))").run()
        try await db.raw("PRAGMA writable_schema = OFF").run()
    }
}

/// SQLite answered `PRAGMA schema_version` with no row: the definitions are left as they are.
struct SchemaVersionUnreadable: Error, CustomStringConvertible {
    var description: String { "SQLite did not report its schema version; migration 10 changed nothing" }
}
