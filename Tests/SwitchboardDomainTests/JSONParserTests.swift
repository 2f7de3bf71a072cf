import Foundation
import Testing

@testable import SwitchboardDomain

@Suite("JSON parser")
struct JSONParserTests {
    @Test(
        "documents read as Foundation's decoder reads them",
        arguments: [
            #"{"a":"text","b":{"c":[1,2.5,-3e2,true,false,null,"x",{}]},"d":[],"e":"1","f":"true","g":0}"#,
            #"  [ 1 , -0.5e+3 , 1E2 , 0 , -0 , 12345678901234567890 ]  "#,
            #""plain""#, "true", "null", "-7",
            #"{"esc":"\" \\ \/ \b \f \n \r \t \u00e9 \ud83d\ude00 \u0000","raw":"é😀"}"#,
            #"{"dup":1,"dup":2}"#,
        ]
    )
    func agreesWithFoundation(text: String) throws {
        let parsed = try JSONValue(json: text.utf8)
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(parsed == decoded)
    }

    @Test(
        "malformed documents are refused with where they went wrong",
        arguments: [
            #"{"a":}"#, #"[1 2]"#, #"{"a":01}"#, #"tru"#, #"{"a":"\x"}"#, "", "   ", #"[1,]"#, #"{"a":1,}"#, #"{a:1}"#,
            #""unclosed"#, "\"tab\there\"", #"1.e5"#, #".5"#, #"+1"#, #"1e400"#, #"NaN"#, #"[1] x"#, #""\ud83d""#, #""\ude00""#,
            #""\u12g4""#, "[", "{",
        ]
    )
    func malformed(text: String) {
        #expect {
            try JSONValue(json: text.utf8)
        } throws: { error in
            if case .malformed = error as? JSONParser.Failure { return true }
            return false
        }
    }

    @Test("invalid UTF-8 in a string is refused")
    func invalidUTF8() {
        #expect(throws: JSONParser.Failure.self) { try JSONValue(json: [0x22, 0xC3, 0x28, 0x22]) }
    }

    @Test("nesting up to the limit is read; one level more is refused as too deep")
    func depth() throws {
        let limit = JSONParser.defaultMaximumDepth
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(throws: Never.self) { try JSONValue(json: deepest.utf8) }
        let objects = String(repeating: #"{"a":"#, count: limit) + "1" + String(repeating: "}", count: limit)
        #expect(throws: Never.self) { try JSONValue(json: objects.utf8) }
        for text in ["[" + deepest + "]", #"{"a":"# + objects + "}"] {
            #expect(throws: JSONParser.Failure.tooDeep(limit: limit)) { try JSONValue(json: text.utf8) }
        }
    }

    @Test("10,000 levels in a 1 MiB document are refused in under 50 ms of CPU")
    func deepRefusedAtOnce() {
        let body =
            Array(String(repeating: "[", count: 10_000).utf8) + Array(repeating: UInt8(ascii: " "), count: 1 << 20 - 20_000)
            + Array(String(repeating: "]", count: 10_000).utf8)
        let cpu = ThreadCPUClock.measure {
            #expect(throws: JSONParser.Failure.tooDeep(limit: 64)) { try JSONValue(json: body) }
        }
        #expect(cpu < .milliseconds(50), "took \(cpu)")
    }

    @Test("a 1 MiB document of legal depth is read in time linear in its size")
    func legalDepthIsLinear() throws {
        // 60 nested arrays around a string, repeated to 1 MiB: decoding `JSONValue` with `Decodable` took minutes.
        let chain = String(repeating: "[", count: 60) + #""x""# + String(repeating: "]", count: 60)
        let count = (1 << 20) / (chain.utf8.count + 1)
        let document = #"{"data":["# + Array(repeating: chain, count: count).joined(separator: ",") + "]}"
        var value: JSONValue = .null
        let cpu = try ThreadCPUClock.measure { value = try JSONValue(json: document.utf8) }
        #expect(value["data"].map { if case .array(let items) = $0 { items.count } else { 0 } } == count)
        // Linear is a few tens of ms even unoptimised; the bound leaves room for a loaded machine, not for a cubic cost.
        #expect(cpu < .seconds(2), "took \(cpu)")
    }
}

/// The CPU time the calling thread spends in a closure: unaffected by other work on the machine.
enum ThreadCPUClock {
    static func measure(_ body: () throws -> Void) rethrows -> Duration {
        let start = now()
        try body()
        return now() - start
    }

    private static func now() -> Duration {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }
}
