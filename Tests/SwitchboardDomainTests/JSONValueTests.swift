import Foundation
import Testing

@testable import SwitchboardDomain

@Suite("JSON values")
struct JSONValueTests {
    @Test("every kind decodes as itself, nested, and encodes back to the same document")
    func kinds() throws {
        let text = #"{"a":"text","b":{"c":[1,2.5,-3e2,true,false,null,"x",{}]},"d":[],"e":"1","f":"true","g":0}"#
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        let expected: JSONValue = .object([
            "a": .string("text"),
            "b": .object(["c": .array([.number(1), .number(2.5), .number(-300), .bool(true), .bool(false), .null, .string("x"), .object([:])])]),
            "d": .array([]),
            "e": .string("1"),
            "f": .string("true"),
            "g": .number(0),
        ])
        #expect(value == expected)
        #expect(
            String(decoding: try CompactJSON.encode(value), as: UTF8.self)
                == #"{"a":"text","b":{"c":[1,2.5,-300,true,false,null,"x",{}]},"d":[],"e":"1","f":"true","g":0}"#
        )
    }

    @Test("malformed documents are refused", arguments: [#"{"a":}"#, #"[1 2]"#, #"{"a":01}"#, #"tru"#, #"{"a":"\x"}"#, ""])
    func malformed(text: String) {
        #expect(throws: (any Error).self) { try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }
    }
}
