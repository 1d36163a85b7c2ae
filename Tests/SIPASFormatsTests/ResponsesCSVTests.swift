import Foundation
import Testing
import SIPASCore
@testable import SIPASFormats

@Suite struct ResponsesCSVTests {
    static let header = "response_id,F,A1,A2,M,N,D,T,unit\n"

    @Test func acceptsAWellFormedFile() {
        let lines = [
            "r1,1,4,5,1;3,12.5,2026-11-22,\"xin chào, bạn\",X",
            "r2,2,9,,2,-3,2026-11-22T09:30:00+07:00,,Y\r",
            " r3 , 01 ,\t5\t,,1; 1 ;2,.5,2026-02-28T10:00Z,\"có \"\"ngoặc\"\"\",Z",
            "",
            "r4,,,,,,,,",
        ]
        let csv = "\u{FEFF}" + Self.header + lines.joined(separator: "\n")
        let out = readAll(csv)
        #expect(out.problems.isEmpty, "\(out.problems)")
        #expect(out.ids == ["r1", "r2", "r3", "r4"])
    }

    struct BadCase: CustomTestStringConvertible, Sendable {
        var csv: String
        var line: Int
        var column: Int?
        var fragment: String
        var testDescription: String { fragment }
    }

    static let badCases: [BadCase] = [
        BadCase(csv: "id,F\nr1,1\n", line: 1, column: nil, fragment: "response_id column is missing"),
        BadCase(csv: header + ",1,4,,,,,,\n", line: 2, column: 1, fragment: "response_id is empty"),
        BadCase(csv: header + "r1,1,4,,,,,,\nr2,1,4,,,,,,\nr1,1,4,,,,,,\n", line: 4, column: 1, fragment: "first on line 2"),
        BadCase(csv: header + "r1,1,7,,,,,,\n", line: 2, column: 3, fragment: "code 7 is not allowed"),
        BadCase(csv: header + "r1,1,4.0,,,,,,\n", line: 2, column: 3, fragment: "expected an integer code"),
        BadCase(csv: header + "r1,1,Hài lòng,,,,,,\n", line: 2, column: 3, fragment: "expected an integer code"),
        BadCase(csv: header + "r1,3,4,,,,,,\n", line: 2, column: 2, fragment: "code 3 is not allowed"),
        BadCase(csv: header + "r1,1,4,,1;;2,,,,\n", line: 2, column: 5, fragment: "empty part"),
        BadCase(csv: header + "r1,1,4,,1;4,,,,\n", line: 2, column: 5, fragment: "code 4 is not allowed"),
        BadCase(csv: header + "r1,1,4,,,1e3,,,\n", line: 2, column: 6, fragment: "finite decimal"),
        BadCase(csv: header + "r1,1,4,,,12,5,,,\n", line: 2, column: nil, fragment: "has 10 fields, the header 9"),
        BadCase(csv: header + "r1,1,4,,,,2026-02-30,,\n", line: 2, column: 7, fragment: "ISO 8601"),
        BadCase(csv: header + "r1,1,4,,,,22/11/2026,,\n", line: 2, column: 7, fragment: "ISO 8601"),
        BadCase(csv: "response_id,weight\nr1,0\n", line: 2, column: 2, fragment: "weight must be a finite number > 0"),
        BadCase(csv: "response_id,weight\nr1,-1\n", line: 2, column: 2, fragment: "weight must be a finite number > 0"),
        BadCase(csv: "response_id,weight\nr1,inf\n", line: 2, column: 2, fragment: "weight must be a finite number > 0"),
        BadCase(csv: "response_id,weight\nr1,1e400\n", line: 2, column: 2, fragment: "weight must be a finite number > 0"),
        BadCase(csv: "response_id,weight\nr1,\n", line: 2, column: 2, fragment: "blank weight"),
        BadCase(csv: "response_id,unit,unit\nr1,a,b\n", line: 1, column: 3, fragment: "duplicate column name"),
        BadCase(csv: "response_id,unit\nr1,\"abc\n", line: 2, column: 2, fragment: "unterminated quoted field"),
        BadCase(csv: "response_id,unit\nr1,a\u{0}b\n", line: 2, column: 2, fragment: "NUL byte"),
        BadCase(csv: "", line: 1, column: nil, fragment: "empty"),
    ]

    @Test(arguments: badCases)
    func refusesMalformedInput(_ bad: BadCase) {
        let out = readAll(bad.csv)
        let match = out.problems.first { $0.line == bad.line && $0.column == bad.column && $0.message.contains(bad.fragment) }
        #expect(match != nil, "expected line \(bad.line) col \(String(describing: bad.column)): \(bad.fragment) in \(out.problems)")
    }

    @Test func nonUTF8IsExplainedWithItsLine() {
        // "Xã" in Windows-1258 is 0x58 0xE3: not UTF-8.
        let bytes = Array("response_id,unit\nr1,ok\n".utf8) + [0x72, 0x32, 0x2C, 0x58, 0xE3, 0x0A]
        let out = readAll(bytes: bytes)
        #expect(out.problems.count == 1)
        #expect(out.problems[0].line == 3 && out.problems[0].column == 2)
        #expect(out.problems[0].message.contains("Windows-1258") && out.problems[0].message.contains("UTF-8"))
    }

    @Test func everyProblemIsListedUpToTheCapThenCounted() {
        var csv = Self.header
        for i in 0..<250 { csv += "r\(i),1,8,,,,,,\n" }
        let r = reader(csv)
        #expect(r.readHeader())
        r.readRows { _ in Issue.record("no row is handed over once the file is refused") }
        let failure = r.failure!
        #expect(failure.problems.count == 100 && failure.total == 250)
        #expect(failure.description.contains("150 more problems"))
        #expect(failure.problems.last?.line == 101)
    }

    @Test func lineNumbersArePhysicalAndRecordsSpanningLinesUseTheirFirstLine() {
        let csv = Self.header + "r1,1,4,,,,,\"dòng 1\ndòng 2\ndòng 3\",X\n\nr2,1,8,,,,,,\n"
        for size in [16, 64, 1 << 16] {
            let out = readAll(csv, bufferSize: size)
            #expect(out.problems.count == 1)
            #expect(out.problems.first?.line == 6, "buffer \(size)")
        }
        let split = Self.header + "r1,1,4,,,,,\"line\nbreak\",X\nr2,1,4,,,,,\"x\ny\",Y\n"
        #expect(readAll(split, bufferSize: 8).ids == ["r1", "r2"])
    }

    @Test func smallBuffersGiveTheSameRows() {
        var csv = Self.header
        for i in 0..<300 { csv += "r\(i),\(i % 2 + 1),\(i % 5 + 1),\(i % 3 == 0 ? "4" : ""),\(i % 3 + 1),\(i),2026-01-0\(i % 9 + 1),\"Ý kiến \"\"\(i)\"\"\",Xã Điềm He\n" }
        let big = readAll(csv)
        #expect(big.problems.isEmpty)
        for size in [7, 33, 100, 4096] {
            let small = readAll(csv, bufferSize: size)
            #expect(small.ids == big.ids && small.problems.isEmpty && small.warnings == big.warnings, "buffer \(size)")
        }
    }

    @Test func answersToNonRelevantItemsAreCountedWarnings() throws {
        let csv = Self.header + "r1,2,4,5,,,,,\nr2,,4,5,,,,,\nr3,1,4,1,,,,,\nr4,2,4,,,,,,\n"
        let out = readAll(csv)
        #expect(out.problems.isEmpty)
        #expect(out.warnings.counts.map(\.item) == ["A2"] && out.warnings.total == 2)
        let result = try index(csv).result
        #expect(result.row("A2")?.n == 1, "kept out of the denominator")
        #expect(result.row("A2")?.estimate == 0)
    }

    @Test func canonicallyEquivalentValuesAreOneGroupShownInNFC() throws {
        let nfc = "Xã Điềm He".precomposedStringWithCanonicalMapping
        let nfd = "Xã Điềm He".decomposedStringWithCanonicalMapping
        #expect(Array(nfc.utf8) != Array(nfd.utf8))
        let csv = "response_id,A1,unit\nr1,4,\(nfc)\nr2,2,\(nfd)\nr3,5,Xã An Sơn\n"
        let result = try index(csv, by: ["unit"]).result
        let groups = Array(Set(result.rows.map(\.group)))
        #expect(groups.count == 2)
        let diem = result.rows.first { $0.node == "A1" && $0.group[0] == nfc }
        #expect(diem?.n == 2 && diem?.estimate == 50)
        #expect(Array(diem!.group[0].utf8) == Array(nfc.utf8))
    }

    @Test func anAbsentItemColumnIsBlankAndAnUnknownByColumnIsRefused() throws {
        let csv = "response_id,A1\nr1,4\n"
        let result = try index(csv).result
        #expect(result.row("A2")?.estimate == nil && result.row("A2")?.n == 0)
        #expect(throws: ResponsesIndexer.UnknownColumn.self) { try index(csv, by: ["province"]) }
        #expect(try index(csv, by: ["F"]).result.rows.first?.group == [""], "grouping by an absent item: one blank group")
    }

    @Test func blankGroupValueIsAGroupOfItsOwn() throws {
        let result = try index("response_id,A1,unit\nr1,4,\nr2,5,B\nr3,1,A\n", by: ["unit"]).result
        #expect(Array(Set(result.rows.map { $0.group[0] })).sorted() == ["", "A", "B"])
        #expect(result.rows.first?.group == [""])
    }
}

/// The one CSV writer: fields with CR, LF, CR LF, commas, quotes or edge spaces are quoted (byte
/// by byte: Swift sees CR LF as one character), and spreadsheet cells cannot start a formula.
@Suite struct CSVWriterTests {
    @Test func fieldsThatWouldBreakARecordAreQuoted() {
        #expect(CSVLine.encode(["a", "dòng 1\r\ndòng 2", "x,y", "q\"q", " edge", "\ttab"]) ==
                "a,\"dòng 1\r\ndòng 2\",\"x,y\",\"q\"\"q\",\" edge\",\"\ttab\"")
        #expect(CSVLine.decode(CSVLine.encode(["dòng 1\r\ndòng 2", "b"])) == ["dòng 1\r\ndòng 2", "b"])
    }

    @Test func spreadsheetCellsCannotStartAFormula() {
        for formula in ["=HYPERLINK(\"x\")", "+cmd", "-1+2", "@SUM(A1)", "\tx", "\rx"] {
            #expect(CSVLine.spreadsheetText(formula) == "'" + formula)
        }
        #expect(CSVLine.spreadsheetText("Xã Điềm He") == "Xã Điềm He")
        #expect(CSVLine.encodeForSpreadsheet(text: ["=1+1"], numbers: ["-3.5"]) == "'=1+1,-3.5")
    }
}
