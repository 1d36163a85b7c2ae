import Foundation
import Testing
import SIPASCore
@testable import SIPASFormats

/// Large files are read in two parts on two threads; the outcome must be the one a sequential
/// read gives, to the last digit, and problems must be reported exactly as a sequential read would.
@Suite struct ParallelReadTests {
    func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sipas-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func generated(rows: Int, design: SyntheticResponses.Design, seed: UInt64) -> String {
        var g = SyntheticResponses(questionnaire: Fixtures.sipas2017, rows: rows, units: 9, design: design, seed: seed)
        var bytes = Array((g.header.joined(separator: ",") + "\n").utf8)
        while g.appendRow(to: &bytes) {}
        return String(decoding: bytes, as: UTF8.self)
    }

    func sequential(_ path: String, by: [String], rollup: String? = nil) throws -> ResponsesIndexer.Outcome {
        try ResponsesIndexer.run(path: path, questionnaire: Fixtures.sipas2017, by: by, rollupOf: rollup, minN: 30, parallelThreshold: .max)
    }

    func parallel(_ path: String, by: [String], rollup: String? = nil) throws -> ResponsesIndexer.Outcome {
        try ResponsesIndexer.run(path: path, questionnaire: Fixtures.sipas2017, by: by, rollupOf: rollup, minN: 30, parallelThreshold: 0)
    }

    @Test(arguments: SyntheticResponses.Design.allCases)
    func twoThreadsGiveTheSequentialResultToTheLastDigit(design: SyntheticResponses.Design) throws {
        let path = try temporaryFile(generated(rows: 3000, design: design, seed: 5))
        defer { try? FileManager.default.removeItem(atPath: path) }
        for (by, rollup) in [(["unit"], nil), ([], "province"), (["channel", "province"], nil)] as [([String], String?)] {
            let a = try sequential(path, by: by, rollup: rollup), b = try parallel(path, by: by, rollup: rollup)
            #expect(a.result == b.result)
            #expect(a.warnings == b.warnings && a.rows == b.rows)
        }
    }

    @Test func weightsThatVaryInsideAPsuGiveTheSequentialResultToo() throws {
        var lines = generated(rows: 3000, design: .strataPsu, seed: 8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        let w = header.firstIndex(of: "weight")!
        for i in 1..<lines.count {
            var cells = lines[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            cells[w] = String(Double(cells[w])! * (1 + Double(i % 7) / 10))
            lines[i] = cells.joined(separator: ",")
        }
        let path = try temporaryFile(lines.joined(separator: "\n") + "\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try sequential(path, by: ["unit"]).result == (try parallel(path, by: ["unit"])).result)
    }

    @Test func aQuotedFieldAcrossTheSplitFallsBackToOneThread() throws {
        var text = "response_id,A1,COMMENT\n"
        for i in 0..<200 { text += "r\(i),4,\n" }
        text += "r-long,5,\"" + String(repeating: "dòng\n", count: 2000) + "\"\n"
        for i in 200..<260 { text += "r\(i),2,\n" }
        let path = try temporaryFile(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = try parallel(path, by: [])
        #expect(outcome.rows == 261)
        #expect(outcome.result == (try sequential(path, by: [])).result)
    }

    @Test func problemsInEitherPartAreReportedWithSequentialLineNumbers() throws {
        var text = "response_id,A1\n"
        for i in 0..<5000 { text += "r\(String(format: "%05d", i)),\(i == 4321 ? 7 : 4)\n" }
        text += "r00010,5\n"   // the same id as line 12, in the second part
        let path = try temporaryFile(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try parallel(path, by: [])
            Issue.record("the file must be refused")
        } catch let failure as ResponsesImportFailed {
            #expect(failure.total == 2)
            #expect(failure.problems.contains { $0.line == 4323 && $0.column == 2 })
            #expect(failure.problems.contains { $0.line == 5002 && $0.message.contains("first on line 12") })
        }
    }
}
