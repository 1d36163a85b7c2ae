import Foundation
import SIPASCore
@testable import SIPASFormats

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    static var sipas2017: Questionnaire { BuiltinQuestionnaires.load(id: "sipas-2017")! }

    /// A small questionnaire for CSV tests: every item type, a not-applicable code, a condition.
    static let small: Questionnaire = try! QuestionnaireReader.read("""
        format: sipas-questionnaire/1
        id: small
        version: 1
        title: "Nhỏ"
        scales:
          s5: {codes: {1: "1", 2: "2", 3: "3", 4: "4", 5: "5"}, satisfied: [4, 5], not_applicable: [9]}
        sections:
          - code: S
            title: "S"
            items:
              - {code: F, type: single, text: "f", options: {1: "Có", 2: "Không"}}
              - {code: A1, type: likert, scale: s5, text: "a1"}
              - {code: A2, type: likert, scale: s5, text: "a2", relevant: "F == 1"}
              - {code: M, type: multi, text: "m", options: {1: "x", 2: "y", 3: "z"}}
              - {code: N, type: number, text: "n"}
              - {code: D, type: date, text: "d"}
              - {code: T, type: text, text: "t"}
        indices:
          - {code: ROOT, title: "Gốc", rule: mean, children: [A1, A2]}
        """)
}

/// A reader over in-memory bytes, optionally with a tiny buffer to exercise record boundaries.
func reader(_ text: String, _ q: Questionnaire = Fixtures.small, bufferSize: Int = 1 << 16) -> ResponsesCSVReader {
    reader(bytes: Array(text.utf8), q, bufferSize: bufferSize)
}

func reader(bytes: [UInt8], _ q: Questionnaire = Fixtures.small, bufferSize: Int = 1 << 16) -> ResponsesCSVReader {
    var offset = 0
    return ResponsesCSVReader(questionnaire: q, bufferSize: bufferSize) { pointer, count in
        let n = min(count, bytes.count - offset)
        for i in 0..<n { pointer[i] = bytes[offset + i] }
        offset += n
        return n
    }
}

/// Reads a whole CSV text; returns the problems (empty when accepted) and the rows' ids.
func readAll(_ text: String, _ q: Questionnaire = Fixtures.small, bufferSize: Int = 1 << 16) -> (problems: [ResponsesProblem], total: Int, ids: [String], warnings: RelevanceWarnings) {
    readAll(bytes: Array(text.utf8), q, bufferSize: bufferSize)
}

func readAll(bytes: [UInt8], _ q: Questionnaire = Fixtures.small, bufferSize: Int = 1 << 16) -> (problems: [ResponsesProblem], total: Int, ids: [String], warnings: RelevanceWarnings) {
    let r = reader(bytes: bytes, q, bufferSize: bufferSize)
    var ids: [String] = []
    if r.readHeader() {
        let idColumn = r.column(named: "response_id")!
        r.readRows { row in ids.append(row.string(column: idColumn)) }
    }
    return (r.problems, r.problemCount, ids, r.relevanceWarnings)
}

func index(_ csv: String, _ q: Questionnaire = Fixtures.small, by: [String] = [], rollup: String? = nil, minN: Int = 30) throws -> ResponsesIndexer.Outcome {
    try ResponsesIndexer.run(reader: reader(csv, q), by: by, rollupOf: rollup, minN: minN)
}
