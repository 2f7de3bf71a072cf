import SQLKit

/// The sealed columns of one integration, as stored.
public struct SealedValues: Sendable, Equatable {
    public var integrationID: String
    public var workspaceID: String
    public var credentials: String?
    public var signingSecret: String?
    public var previousSigningSecret: String?

    /// The column names and their values, in one order.
    var columns: [(name: String, value: String?)] {
        [("credentials", credentials), ("signing_secret", signingSecret), ("previous_signing_secret", previousSigningSecret)]
    }
}

extension Store {
    /// The sealed values of integrations with ids after `after`, deleted ones included (their history may still be
    /// read), `limit` at a time in id order: for re-sealing every value under the current key and form.
    public func sealedValues(after: String?, limit: Int) async throws -> [SealedValues] {
        try await database.withConnection { db in
            var query: SQLQueryString = """
                SELECT id, workspace_id, credentials, signing_secret, previous_signing_secret FROM integrations
                WHERE (credentials IS NOT NULL OR signing_secret IS NOT NULL OR previous_signing_secret IS NOT NULL)
                """
            if let after { query += " AND id > \(bind: after)" }
            query += " ORDER BY id LIMIT \(bind: limit)"
            return try await db.raw(query).all().map { row in
                SealedValues(
                    integrationID: try row.decode(column: "id", as: String.self),
                    workspaceID: try row.decode(column: "workspace_id", as: String.self),
                    credentials: try row.decode(column: "credentials", as: String?.self),
                    signingSecret: try row.decode(column: "signing_secret", as: String?.self),
                    previousSigningSecret: try row.decode(column: "previous_signing_secret", as: String?.self)
                )
            }
        }
    }

    /// Writes `new`'s sealed values where the row still holds `old`'s (another process may have re-sealed or
    /// rotated them meanwhile); whether it did. `updated_at` stays: the plaintexts are the same.
    public func replaceSealedValues(_ old: SealedValues, with new: SealedValues) async throws -> Bool {
        let changes = zip(old.columns, new.columns).filter { $0.value != $1.value }
        guard !changes.isEmpty else { return true }
        return try await database.withConnection { db in
            var query: SQLQueryString = "UPDATE integrations SET "
            for (index, (_, column)) in changes.enumerated() {
                query += "\(unsafeRaw: index == 0 ? "" : ", ")\(ident: column.name) = \(bind: column.value)"
            }
            query += " WHERE id = \(bind: old.integrationID)"
            for (column, _) in changes {
                if let value = column.value {
                    query += " AND \(ident: column.name) = \(bind: value)"
                } else {
                    query += " AND \(ident: column.name) IS NULL"
                }
            }
            query += " RETURNING id"
            return try await !db.raw(query).all().isEmpty
        }
    }
}
