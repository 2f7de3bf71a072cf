import NIOCore
import PostgresKit

/// One column of a bulk statement's rows as a PostgreSQL array parameter (`text[]` or `bigint[]`, NULL elements
/// allowed), in the binary array format, for `unnest(…)`: PostgreSQL then receives, parses and plans one parameter
/// per column instead of one per value.
struct PostgresColumnArray: PostgresThrowingDynamicTypeEncodable, Encodable, Sendable, Equatable {
    enum Elements: Sendable, Equatable {
        case text([String?])
        case integer([Int64?])
    }

    let elements: Elements

    /// The column `column` of `rows`, typed by its first row's value (every row of a bulk statement has the same types).
    init(column: Int, of rows: [[BoundValue]]) {
        switch rows.first?[column] {
        case .integer:
            elements = .integer(
                rows.map {
                    guard case .integer(let value) = $0[column] else { preconditionFailure("column \(column) mixes types") }
                    return value
                }
            )
        default:
            elements = .text(
                rows.map {
                    guard case .text(let value) = $0[column] else { preconditionFailure("column \(column) mixes types") }
                    return value
                }
            )
        }
    }

    /// The SQL type to cast the parameter to.
    var sqlType: String {
        switch elements {
        case .text: "TEXT[]"
        case .integer: "BIGINT[]"
        }
    }

    var psqlType: PostgresDataType {
        switch elements {
        case .text: .textArray
        case .integer: .int8Array
        }
    }

    var psqlFormat: PostgresFormat { .binary }

    /// PostgreSQL's binary array: dimensions, has-NULLs flag, element type, then the one dimension's length and lower
    /// bound, then each element as its length (-1 for NULL) and bytes.
    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) throws {
        switch elements {
        case .text(let values):
            Self.write(values, of: .text, into: &buffer) { buffer, value in
                buffer.writeInteger(Int32(value.utf8.count))
                buffer.writeString(value)
            }
        case .integer(let values):
            Self.write(values, of: .int8, into: &buffer) { buffer, value in
                buffer.writeInteger(Int32(8))
                buffer.writeInteger(value)
            }
        }
    }

    private static func write<Value>(
        _ values: [Value?],
        of element: PostgresDataType,
        into buffer: inout ByteBuffer,
        writeValue: (inout ByteBuffer, Value) -> Void
    ) {
        buffer.writeInteger(Int32(1))
        buffer.writeInteger(Int32(values.contains { $0 == nil } ? 1 : 0))
        buffer.writeInteger(element.rawValue)
        buffer.writeInteger(Int32(values.count))
        buffer.writeInteger(Int32(1))
        for value in values {
            if let value { writeValue(&buffer, value) } else { buffer.writeInteger(Int32(-1)) }
        }
    }

    /// Only for SQLKit's bind type: PostgresKit takes the binary encoding above instead.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch elements {
        case .text(let values): try container.encode(values)
        case .integer(let values): try container.encode(values)
        }
    }
}
