/// Reads JSON text (RFC 8259) into a `JSONValue` in one pass over its bytes, refusing documents that nest arrays and
/// objects deeper than a limit.
///
/// Every JSON document Switchboard reads from outside (request bodies) or from its own store goes through here, not
/// through `JSONDecoder`: decoding `JSONValue` with `Decodable` has to guess each value's kind and throws an error per
/// wrong guess, which costs time cubic in the nesting depth (a 1.1 KB body of 500 nested arrays held a core for over a
/// second). Here each byte is looked at a bounded number of times, and the depth limit bounds the recursion.
public struct JSONParser {
    /// Why a document was refused.
    public enum Failure: Error, Equatable, Sendable {
        /// Arrays and objects nest deeper than `limit`.
        case tooDeep(limit: Int)
        /// Not JSON: what was wrong, and the byte offset where it was found.
        case malformed(String, offset: Int)
    }

    /// The deepest nesting of arrays and objects accepted by default: the event envelope takes three levels, the
    /// rest is left to `data`, far more than any real registration needs.
    public static let defaultMaximumDepth = 64

    /// The value `bytes` holds, the whole of them (whitespace around it aside).
    public static func parse(_ bytes: some Sequence<UInt8>, maximumDepth: Int = defaultMaximumDepth) throws(Failure) -> JSONValue {
        let parse = { (buffer: UnsafeBufferPointer<UInt8>) throws(Failure) -> JSONValue in
            var parser = JSONParser(bytes: buffer, maximumDepth: maximumDepth)
            parser.skipWhitespace()
            let value = try parser.value(depth: 0)
            parser.skipWhitespace()
            guard parser.index == buffer.count else { throw parser.malformed("unexpected text after the document") }
            return value
        }
        let result: Result<JSONValue, Failure>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(Failure) in try parse(buffer) }
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { buffer in Result { () throws(Failure) in try parse(buffer) } }.get()
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private let maximumDepth: Int
    private var index = 0

    private init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    private func malformed(_ reason: String) -> Failure { .malformed(reason, offset: index) }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == .space || byte == .tab || byte == .lineFeed || byte == .carriageReturn { index += 1 }
    }

    private mutating func value(depth: Int) throws(Failure) -> JSONValue {
        guard let byte = current else { throw malformed("a value was expected") }
        switch byte {
        case .quote: return .string(try string())
        case .openBrace: return try object(depth: depth + 1)
        case .openBracket: return try array(depth: depth + 1)
        case .t: return try literal("true", is: .bool(true))
        case .f: return try literal("false", is: .bool(false))
        case .n: return try literal("null", is: .null)
        case .minus, .zero ... .nine: return .number(try number())
        default: throw malformed("a value was expected")
        }
    }

    private mutating func object(depth: Int) throws(Failure) -> JSONValue {
        guard depth <= maximumDepth else { throw .tooDeep(limit: maximumDepth) }
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if current == .closeBrace {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == .quote else { throw malformed("a member name in quotes was expected") }
            let key = try string()
            skipWhitespace()
            guard current == .colon else { throw malformed("':' was expected after a member name") }
            index += 1
            skipWhitespace()
            let member = try value(depth: depth)
            // The first of duplicate names wins, as with Foundation's decoder.
            if members[key] == nil { members[key] = member }
            skipWhitespace()
            switch current {
            case .comma: index += 1
            case .closeBrace:
                index += 1
                return .object(members)
            default: throw malformed("',' or '}' was expected")
            }
        }
    }

    private mutating func array(depth: Int) throws(Failure) -> JSONValue {
        guard depth <= maximumDepth else { throw .tooDeep(limit: maximumDepth) }
        index += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if current == .closeBracket {
            index += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try value(depth: depth))
            skipWhitespace()
            switch current {
            case .comma: index += 1
            case .closeBracket:
                index += 1
                return .array(items)
            default: throw malformed("',' or ']' was expected")
            }
        }
    }

    private mutating func literal(_ word: StaticString, is value: JSONValue) throws(Failure) -> JSONValue {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw malformed("a value was expected") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw malformed("a value was expected") }
        index += count
        return value
    }

    /// A number as RFC 8259 writes it: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, finite as a Double.
    private mutating func number() throws(Failure) -> Double {
        let start = index
        if current == .minus { index += 1 }
        if current == .zero {
            index += 1
        } else {
            guard skipDigits() > 0 else { throw malformed("a digit was expected") }
        }
        if current == .period {
            index += 1
            guard skipDigits() > 0 else { throw malformed("a digit was expected after '.'") }
        }
        if current == .e || current == .E {
            index += 1
            if current == .plus || current == .minus { index += 1 }
            guard skipDigits() > 0 else { throw malformed("a digit was expected in the exponent") }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let number = Double(text), number.isFinite else { throw .malformed("the number \(text) is out of range", offset: start) }
        return number
    }

    private mutating func skipDigits() -> Int {
        let start = index
        while let byte = current, (.zero ... .nine).contains(byte) { index += 1 }
        return index - start
    }

    /// A string from its opening quote to its closing one: valid UTF-8, no raw control characters, escapes decoded.
    private mutating func string() throws(Failure) -> String {
        index += 1
        let start = index
        // Most strings have no escapes: they are validated and copied whole.
        while let byte = current, byte != .quote, byte != .backslash, byte >= 0x20 { index += 1 }
        guard let stop = current else { throw malformed("a string is not closed") }
        guard stop == .backslash || stop == .quote else { throw malformed("a control character must be escaped in a string") }
        var utf8 = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while current != .quote {
            guard let byte = current else { throw malformed("a string is not closed") }
            guard byte >= 0x20 else { throw malformed("a control character must be escaped in a string") }
            index += 1
            guard byte == .backslash else {
                utf8.append(byte)
                continue
            }
            try escape(into: &utf8)
        }
        index += 1
        guard let text = String(validating: utf8, as: UTF8.self) else { throw .malformed("a string is not valid UTF-8", offset: start) }
        return text
    }

    private mutating func escape(into utf8: inout [UInt8]) throws(Failure) {
        guard let byte = current else { throw malformed("a string is not closed") }
        index += 1
        switch byte {
        case .quote, .backslash, .slash: utf8.append(byte)
        case .b: utf8.append(0x08)
        case .f: utf8.append(0x0C)
        case .n: utf8.append(.lineFeed)
        case .r: utf8.append(.carriageReturn)
        case .t: utf8.append(.tab)
        case .u:
            var scalar = try hexQuad()
            if (0xD800...0xDBFF).contains(scalar) {
                guard current == .backslash, index + 1 < bytes.count, bytes[index + 1] == .u else {
                    throw malformed("a high surrogate must be followed by a low one")
                }
                index += 2
                let low = try hexQuad()
                guard (0xDC00...0xDFFF).contains(low) else { throw malformed("a high surrogate must be followed by a low one") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw malformed("a lone low surrogate") }
            utf8.append(contentsOf: String(Character(unicode)).utf8)
        default: throw malformed("an unknown escape in a string")
        }
    }

    private mutating func hexQuad() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw malformed("\\u needs four hexadecimal digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case .zero ... .nine: digit = byte - .zero
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case .A...UInt8(ascii: "F"): digit = byte - .A + 10
            default: throw malformed("\\u needs four hexadecimal digits")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}

extension UInt8 {
    fileprivate static let space = UInt8(ascii: " ")
    fileprivate static let tab = UInt8(ascii: "\t")
    fileprivate static let lineFeed = UInt8(ascii: "\n")
    fileprivate static let carriageReturn = UInt8(ascii: "\r")
    fileprivate static let quote = UInt8(ascii: "\"")
    fileprivate static let backslash = UInt8(ascii: "\\")
    fileprivate static let slash = UInt8(ascii: "/")
    fileprivate static let openBrace = UInt8(ascii: "{")
    fileprivate static let closeBrace = UInt8(ascii: "}")
    fileprivate static let openBracket = UInt8(ascii: "[")
    fileprivate static let closeBracket = UInt8(ascii: "]")
    fileprivate static let colon = UInt8(ascii: ":")
    fileprivate static let comma = UInt8(ascii: ",")
    fileprivate static let minus = UInt8(ascii: "-")
    fileprivate static let plus = UInt8(ascii: "+")
    fileprivate static let period = UInt8(ascii: ".")
    fileprivate static let zero = UInt8(ascii: "0")
    fileprivate static let nine = UInt8(ascii: "9")
    fileprivate static let A = UInt8(ascii: "A")
    fileprivate static let E = UInt8(ascii: "E")
    fileprivate static let b = UInt8(ascii: "b")
    fileprivate static let e = UInt8(ascii: "e")
    fileprivate static let f = UInt8(ascii: "f")
    fileprivate static let n = UInt8(ascii: "n")
    fileprivate static let r = UInt8(ascii: "r")
    fileprivate static let t = UInt8(ascii: "t")
    fileprivate static let u = UInt8(ascii: "u")
}
