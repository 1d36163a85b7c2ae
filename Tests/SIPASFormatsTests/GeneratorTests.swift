import Foundation
import Testing
import SIPASCore
@testable import SIPASFormats

@Suite struct GeneratorTests {
    func generate(_ q: Questionnaire, rows: Int, design: SyntheticResponses.Design, seed: UInt64) -> String {
        var g = SyntheticResponses(questionnaire: q, rows: rows, units: 7, design: design, seed: seed)
        var bytes = Array((g.header.joined(separator: ",") + "\n").utf8)
        while g.appendRow(to: &bytes) {}
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test(arguments: SyntheticResponses.Design.allCases)
    func sameSeedSameFileAndTheFileReadsCleanly(design: SyntheticResponses.Design) throws {
        let q = Fixtures.sipas2017
        let a = generate(q, rows: 500, design: design, seed: 42)
        #expect(a == generate(q, rows: 500, design: design, seed: 42))
        #expect(a != generate(q, rows: 500, design: design, seed: 43))
        let out = readAll(a, q)
        #expect(out.problems.isEmpty, "\(out.problems.prefix(3))")
        #expect(out.ids.count == 500)
    }

    @Test func customQuestionnairesGenerateToo() throws {
        let q = try QuestionnaireReader.read(try Fixtures.text("custom-weighted.yaml"))
        let text = generate(q, rows: 300, design: .strataPsu, seed: 1)
        let outcome = try index(text, q, by: ["unit"])
        #expect(outcome.rows == 300)
        #expect(outcome.result.rows.contains { $0.node == "IDX" && $0.estimate != nil })
    }
}
