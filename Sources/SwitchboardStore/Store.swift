import Foundation
import SQLKit
import SwitchboardDomain

/// The one SQL store of Switchboard, over SQLite or PostgreSQL alike.
///
/// Its methods are grouped by concern in `Queries/Store+*.swift`. Every method that reads or changes
/// tenant data takes the workspace id, so no query can cross workspaces.
public struct Store: Sendable {
    /// The database it reads and writes.
    public let database: Database

    /// A store over an opened database.
    public init(database: Database) {
        self.database = database
    }

    /// Row decoding; every model names its snake_case columns in its `CodingKeys`.
    static let rowDecoder = SQLRowDecoder()
    /// Row encoding, with nil written as NULL so that updates clear columns.
    static let rowEncoder = SQLQueryEncoder(nilEncodingStrategy: .asNil)
}

/// One page of a newest-first list.
public struct Page<Item: Sendable>: Sendable {
    /// The items, newest first.
    public var items: [Item]
    /// Pass as `cursor` to get the next page; nil on the last page.
    public var nextCursor: String?

    /// Cuts `limit + 1` fetched rows into a page, using the id of the last item kept as the cursor.
    init(fetched: [Item], limit: Int, id: (Item) -> String) {
        if fetched.count > limit {
            items = Array(fetched.prefix(limit))
            nextCursor = items.last.map(id)
        } else {
            items = fetched
            nextCursor = nil
        }
    }
}

/// Errors of the store that callers can act on.
public enum StoreError: Error, Sendable, Equatable {
    /// The record does not exist in this workspace (or was deleted).
    case notFound(String)
}

extension Store {
    /// `AND id < cursor` when paging on from a cursor; ids sort by creation time.
    static func cursorClause(_ cursor: String?) -> SQLQueryString {
        guard let cursor else { return "" }
        return " AND id < \(bind: cursor)"
    }
}

extension Date {
    /// Milliseconds since 1970, as stored.
    var storeMilliseconds: Int64 { Timestamp.milliseconds(self) }
}
