import Testing
@testable import SIPASServer

@Suite struct JSONParserTests {
    func parse(_ text: String) throws -> JSONValue {
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBufferPointer { try JSONParser.parse(UnsafeBufferPointer($0)) }
    }

    func refuses(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: JSONParser.Malformed.self, "\(text)", sourceLocation: sourceLocation) { try parse(text) }
    }

    @Test func readsEveryKindOfValue() throws {
        guard case let .object(o) = try parse(#" { "a": [1, -2.5e3, 0.25], "b": true, "c": false, "d": null, "e": "Điềm He" } "#) else {
            Issue.record("not an object"); return
        }
        guard case let .array(a)? = o["a"], case let .number(x) = a[1], case .number(0.25) = a[2] else { Issue.record("array"); return }
        #expect(x == -2500)
        guard case .bool(true)? = o["b"], case .bool(false)? = o["c"], case .null? = o["d"], case .string("Điềm He")? = o["e"] else {
            Issue.record("scalars"); return
        }
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        guard case let .string(s) = try parse(#""a\"b\\c\/d\n\t\u0110i\u1ec1m \ud83d\ude00""#) else { Issue.record("not a string"); return }
        #expect(s == "a\"b\\c/d\n\tĐiềm 😀")
    }

    @Test func refusesWhatRFC8259Refuses() {
        for text in ["", "{", "{\"a\":1,}", "[1,]", "01", "1.", ".5", "-", "1e", "+1", "\"\\x\"", "\"a\nb\"", "tru", "nul",
                     "{\"a\":1}x", "{a:1}", "\"\\ud83d\"", "\"\\ude00\"", "{\"a\":1,\"a\":2}", "1e999",
                     String(repeating: "[", count: 100) + String(repeating: "]", count: 100)] {
            refuses(text)
        }
    }
}
