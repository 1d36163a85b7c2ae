import Testing
@testable import SIPASCore

@Suite struct ExpressionTests {
    func eval(_ text: String, _ answers: [String: Double]) throws -> Bool {
        try RelevanceParser.parse(text).evaluate { answers[$0] }
    }

    @Test func precedenceIsOrAndNotComparison() throws {
        // or < and: a or b and c == a or (b and c)
        #expect(try eval("A == 1 or B == 1 and C == 1", ["A": 1, "B": 0, "C": 0]))
        #expect(try !eval("(A == 1 or B == 1) and C == 1", ["A": 1, "B": 0, "C": 0]))
        #expect(try eval("not A == 2 and B == 1", ["A": 1, "B": 1]))
        #expect(try !eval("not (A == 1 and B == 1)", ["A": 1, "B": 1]))
        #expect(try eval("not not A == 1", ["A": 1]))
    }

    @Test func comparisonsAndDecimals() throws {
        #expect(try eval("Q8.3 >= 2.5", ["Q8.3": 3]))
        #expect(try eval("AGE < 18 or AGE > 60", ["AGE": 61]))
        #expect(try eval("A != B", ["A": 1, "B": 2]))
        #expect(try eval("2 <= A", ["A": 2]))
    }

    @Test func blanksCompareAsXPathEmpty() throws {
        for op in ["==", "<", "<=", ">", ">="] {
            #expect(try !eval("A \(op) 1", [:]), "\(op) against a blank is false")
        }
        #expect(try eval("A != 1", [:]))
        #expect(try eval("not A == 1", [:]))
    }

    @Test func referencedItems() throws {
        #expect(try RelevanceParser.parse("Q8.3 == 1 or Q8.4 == 1 and Q8.3 < 2").referencedItems == ["Q8.3", "Q8.4"])
    }

    @Test(arguments: [
        ("A", "expected a comparison operator"),
        ("A = 1", "use \"==\""),
        ("A == ", "expected an item code or a number"),
        ("(A == 1", "missing closing parenthesis"),
        ("A == 1)", "unexpected"),
        ("A == 1 and", "expected an item code"),
        ("A == -1", "unexpected character"),
        ("A == 1 B == 2", "unexpected"),
    ])
    func malformedExpressionsAreRefused(text: String, fragment: String) {
        #expect {
            try RelevanceParser.parse(text)
        } throws: { error in
            (error as? RelevanceParser.ParseError)?.message.contains(fragment) == true
        }
    }

    @Test func compiledConditionMatchesTheTree() throws {
        let e = try RelevanceParser.parse("A == 1 and not B > 2 or C != 3")
        let slots = ["A": 0, "B": 1, "C": 2]
        let compiled = e.compiled { slots[$0]! }
        let cases: [[Double]] = [[1, 1, 3], [1, 3, 3], [.nan, .nan, .nan], [2, 0, 3], [1, .nan, 3]]
        for values in cases {
            let tree = e.evaluate { code in values[slots[code]!].isNaN ? nil : values[slots[code]!] }
            #expect(values.withUnsafeBufferPointer { compiled.evaluate($0) } == tree)
        }
    }
}
