import NIOCore
import SQLKit
import SQLiteDirect
import SQLiteKit
import SQLiteNIO

/// One row of a result, as SQLKit reads it.
struct SQLiteResultRow: SQLRow {
    let columns: SQLiteColumns
    let values: [SQLiteValue]
    private static let decoder = SQLiteDataDecoder()

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool {
        columns.positions[column] != nil
    }

    func decodeNil(column: String) throws -> Bool {
        guard let position = columns.positions[column] else { return true }
        return values[position] == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let position = columns.positions[column] else {
            throw DecodingError.keyNotFound(
                SQLiteColumnKey(stringValue: column),
                .init(codingPath: [], debugDescription: "No column \(column) in the row")
            )
        }
        let value = values[position]
        // The column types the store reads most, without a trip through sqlite-kit's decoder (which builds a
        // `Decoder` per value): claims and recording decode thousands of rows a second.
        switch value {
        case .text(let text):
            if D.self == String.self || D.self == String?.self { return text as! D }
        case .integer(let integer):
            if D.self == Int.self || D.self == Int?.self { return Int(integer) as! D }
            if D.self == Int64.self || D.self == Int64?.self { return integer as! D }
        case .null:
            if D.self == String?.self { return String?.none as! D }
            if D.self == Int?.self { return Int?.none as! D }
            if D.self == Int64?.self { return Int64?.none as! D }
        default: break
        }
        return try Self.decoder.decode(D.self, from: value.data)
    }
}

private struct SQLiteColumnKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension SQLiteValue {
    /// The same value in sqlite-nio's terms, which sqlite-kit's coders speak.
    var data: SQLiteData {
        switch self {
        case .integer(let integer): .integer(SQLiteInt64(integer))
        case .float(let double): .float(double)
        case .text(let text): .text(text)
        case .blob(let bytes): .blob(ByteBuffer(bytes: bytes))
        case .null: .null
        }
    }

    init(_ data: SQLiteData) {
        switch data {
        case .integer(let integer): self = .integer(Int64(integer))
        case .float(let double): self = .float(double)
        case .text(let text): self = .text(text)
        case .blob(let buffer): self = .blob(Array(buffer.readableBytesView))
        case .null: self = .null
        }
    }
}
