import Foundation
import SwitchboardDomain

extension JSONValue {
    /// The value as Foundation's JSON serializer takes it.
    var foundationValue: Any {
        switch self {
        case .null: NSNull()
        case .bool(let flag): flag
        case .number(let number): number
        case .string(let text): text
        case .array(let items): items.map(\.foundationValue)
        case .object(let members): members.mapValues(\.foundationValue)
        }
    }
}
