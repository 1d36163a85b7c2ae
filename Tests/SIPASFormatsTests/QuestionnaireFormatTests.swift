import Foundation
import Testing
import SIPASCore
@testable import SIPASFormats

@Suite struct QuestionnaireFormatTests {
    static let shipped = BuiltinQuestionnaires.ids

    @Test func bothNationalQuestionnairesAreBuiltIn() {
        #expect(Self.shipped == ["sipas-2017", "sipas-2023"])
        let q17 = BuiltinQuestionnaires.load(id: "sipas-2017")!
        #expect(IndexPlan(q17).leaves.count == 22)
        #expect(q17.indices[0].children.count == 5)
        let q23 = BuiltinQuestionnaires.load(id: "sipas-2023")!
        let sipas = IndexPlan(q23).nodes.filter { $0.tree == 0 && $0.leaf != nil }
        #expect(sipas.count == 39, "39 satisfaction statements in the SIPAS tree")
    }

    @Test(arguments: shipped)
    func roundTripIsLossless(id: String) throws {
        let q = BuiltinQuestionnaires.load(id: id)!
        for format in QuestionnaireWriter.Format.allCases {
            let text = QuestionnaireWriter.write(q, as: format)
            let back = try QuestionnaireReader.read(text)
            #expect(back == q, "\(format) round trip of \(id)")
            #expect(QuestionnaireWriter.write(back, as: format) == text, "export is stable")
        }
    }

    @Test(arguments: shipped)
    func builtInsMatchTheSharedFiles(id: String) throws {
        let shared = Fixtures.repository.deletingLastPathComponent().appendingPathComponent("shared/questionnaires/\(id).yaml")
        guard let text = try? String(contentsOf: shared, encoding: .utf8) else { return }  // shared/ not beside this checkout
        #expect(BuiltinQuestionnaires.text(id: id) == text, "run scripts/embed-questionnaires.sh")
        #expect(try QuestionnaireReader.read(text) == BuiltinQuestionnaires.load(id: id))
    }

    @Test func customQuestionnaireKeepsYAML11WordsAsCodes() throws {
        let q = try QuestionnaireReader.read(try Fixtures.text("custom-weighted.yaml"))
        #expect(q.item("NO")?.type == .likert)
        #expect(q.item("ON")?.relevant == "ONLINE == 1")
        #expect(q.indices[0].weights == [2, 1.5, 0.5])
        #expect(q.scale("sat5na")?.notApplicable == [9])
        let plan = IndexPlan(q)
        #expect(plan.nodes.map(\.code) == ["IDX", "FAC", "NO", "ON", "STAFF", "Y1", "Y2", "Y3", "ALT", "STAFF", "Y1", "Y2", "NO"])
        let again = try QuestionnaireReader.read(QuestionnaireWriter.write(q, as: .yaml))
        #expect(again == q)
        #expect(try QuestionnaireReader.read(QuestionnaireWriter.write(q, as: .json)) == q)
    }

    func problems(_ yaml: String) -> [ValidationIssue] {
        do {
            _ = try QuestionnaireReader.read(yaml)
            return []
        } catch {
            return error.issues
        }
    }

    static let base = """
        format: sipas-questionnaire/1
        id: x
        version: 1
        title: "X"
        scales:
          s: {codes: {1: a, 2: b}, satisfied: [2]}
        sections:
          - code: S
            title: S
            items:
              - {code: A1, type: likert, scale: s, text: a}
              - {code: A2, type: likert, scale: s, text: b}
        indices:
          - code: R
            title: R
            rule: mean
            children:
              - {code: G, title: G, rule: mean, children: [A1, A2]}
        """

    @Test func unknownItemInATreeNamesTheKeyPathAndLine() {
        let found = problems(Self.base.replacingOccurrences(of: "[A1, A2]", with: "[A1, B9]"))
        #expect(found.count == 1)
        #expect(found.first?.path == "indices[0].children[0].children[1]")
        #expect(found.first?.message.contains("unknown item \"B9\"") == true)
        #expect(found.first?.line != nil)
    }

    @Test func structuralProblemsNameTheirKeyPath() {
        #expect(problems(Self.base.replacingOccurrences(of: "version: 1", with: "version: one")).first?.path == "version")
        #expect(problems(Self.base.replacingOccurrences(of: "title: \"X\"\n", with: "")).first?.path == "title")
        let unknown = problems(Self.base.replacingOccurrences(of: "type: likert, scale: s, text: a", with: "type: likert, scale: s, text: a, colour: red"))
        #expect(unknown.first?.path == "sections[0].items[0].colour")
        #expect(unknown.first?.message.contains("unknown key") == true)
        let type = problems(Self.base.replacingOccurrences(of: "type: likert, scale: s, text: a", with: "type: scale, scale: s, text: a"))
        #expect(type.first?.path == "sections[0].items[0].type")
        #expect(problems(Self.base.replacingOccurrences(of: "format: sipas-questionnaire/1", with: "format: other/2")).first?.path == "format")
        #expect(problems(Self.base.replacingOccurrences(of: "rule: mean\n    children:\n      - {code: G", with: "rule: median\n    children:\n      - {code: G")).first?.path == "indices[0].rule")
    }

    @Test func syntaxErrorsGiveALine() {
        let found = problems("format: sipas-questionnaire/1\nid: [unclosed\n")
        #expect(found.count == 1)
        #expect(found.first?.line != nil)
        #expect(problems("").first?.message.contains("empty") == true)
        #expect(problems("a: 1\na: 2\n").first?.message.contains("duplicate") == true)
    }

    @Test func rulesAreCheckedAfterTheShape() {
        let found = problems(Self.base.replacingOccurrences(of: "scale: s, text: a", with: "scale: nope, text: a"))
        #expect(found.contains { $0.path == "sections[0].items[0].scale" && $0.message.contains("unknown scale") && $0.line != nil })
    }
}
