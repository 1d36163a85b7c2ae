import Foundation
import SIPASCore
import SIPASFormats
import SIPASStore
import SIPASTestSupport
import Testing
@testable import SIPASApp

/// Paper forms keyed twice by different clerks, compared, decided and stored, on SQLite and PostgreSQL.
@Suite(.freshDatabase) struct DoubleEntryTests {
    @Test func twoClerksKeyAFormAndASupervisorDecidesWhereTheyDiffer() async throws {
        let fieldwork = try await FieldworkTests().setting()
        let p = fieldwork.platform, id = fieldwork.campaign.id, admin = fieldwork.admin
        _ = try await p.assignments.assign(campaign: id, unitIds: fieldwork.communes.map(\.id), to: fieldwork.an.id, by: admin)
        _ = try await p.campaigns.setStatus(id, to: "fieldwork", by: admin)
        let cases = try await p.fieldworkCases.list(campaign: id, by: fieldwork.an).map(\.fieldCase)
        let province = try await p.unitRegister.unit(code: "20", register: .reform2025, by: admin)
        let system = try #require(try await p.accounts.find(username: "admin"))
        let first = try await p.accounts.create(.init(username: "t.nhaplieu1", displayName: "Nhập liệu 1", password: "Mật-khẩu-dài-2026", role: "data-entry-clerk",
                                                      scopeUnitId: province.id), by: system)
        let second = try await p.accounts.create(.init(username: "t.nhaplieu2", displayName: "Nhập liệu 2", password: "Mật-khẩu-dài-2026", role: "data-entry-clerk",
                                                       scopeUnitId: province.id), by: system)
        let questionnaire = try await p.questionnaire(of: fieldwork.campaign).questionnaire
        let likert = questionnaire.items.filter { $0.type == .likert }.prefix(3).map(\.code)
        var form: [String: String] = [:]
        for (i, item) in likert.enumerated() { form[item] = String(4 - i % 2) }
        func refused(_ fragment: String, field: String? = nil, _ body: () async throws -> Void) async {
            do {
                try await body()
                Issue.record("accepted; expected \(fragment)")
            } catch let error as AppError {
                #expect(([error.message] + error.items.map(\.message)).joined(separator: " ").contains(fragment), "\(error.message) \(error.items)")
                if let field { #expect(error.field == field, "\(String(describing: error.field))") }
            } catch { Issue.record("\(error)") }
        }
        let a = cases[0].code
        var wrong = Array(a)
        wrong[3] = wrong[3] == "9" ? "8" : "9"
        await refused("chữ số kiểm tra", field: "/code") { _ = try await p.doubleEntry.key(campaign: id, code: String(wrong), answers: form, by: first) }
        await refused("không thuộc", field: "/answers/\(likert[0])") {
            _ = try await p.doubleEntry.key(campaign: id, code: a, answers: form.merging([likert[0]: "9"]) { $1 }, by: first)
        }
        #expect(try await p.doubleEntry.key(campaign: id, code: a, answers: form, by: first).status == .keyedOnce)
        await refused("phải do một người khác") { _ = try await p.doubleEntry.key(campaign: id, code: a, answers: form, by: first) }
        let responsesBefore = try await p.index.compute(campaign: id, .init(), by: admin).responses
        #expect(try await p.doubleEntry.key(campaign: id, code: a, answers: form, by: second).status == .verified)
        #expect(try await p.index.compute(campaign: id, .init(), by: admin).responses == responsesBefore + 1, "a verified form counts")
        #expect(try await p.fieldworkCases.detail(campaign: id, code: a, by: admin).line.fieldCase.status == "collected")
        await refused("đã có phiếu trả lời được lưu") { _ = try await p.doubleEntry.key(campaign: id, code: a, answers: form, by: admin) }

        // A second form keyed differently: held until the supervisor decides; the clerk who keyed the decided-against value has one error.
        let b = cases[1].code
        _ = try await p.doubleEntry.key(campaign: id, code: b, answers: form, by: first)
        let other = form.merging([likert[1]: "1"]) { $1 }
        let keyed = try await p.doubleEntry.key(campaign: id, code: b, answers: other, by: second)
        #expect(keyed.status == .differs && keyed.differences == [likert[1]])
        #expect(try await p.index.compute(campaign: id, .init(), by: admin).responses == responsesBefore + 1, "an undecided form does not count")
        let pending = try await p.doubleEntry.pending(campaign: id, by: admin)
        #expect(pending.map(\.code) == [b] && pending[0].differences.map { [$0.first, $0.second] } == [[form[likert[1]]!, "1"]])
        await refused("câu \(likert[1])") { try await p.doubleEntry.adjudicate(campaign: id, code: b, values: [:], by: admin) }
        await refused("quyền") { try await p.doubleEntry.adjudicate(campaign: id, code: b, values: [likert[1]: "1"], by: first) }
        try await p.doubleEntry.adjudicate(campaign: id, code: b, values: [likert[1]: form[likert[1]]!], by: admin)
        #expect(try await p.index.compute(campaign: id, .init(), by: admin).responses == responsesBefore + 2)
        let report = try await p.entryProgress.report(campaign: id, by: admin)
        #expect(report.keyers.map { [$0.username: $0.errors] } == [["t.nhaplieu1": 0], ["t.nhaplieu2": 1]])
        #expect(report.keyers.allSatisfy { $0.forms == 2 && $0.fields == 2 * questionnaire.items.count })
        #expect(report.batches.count == 1 && report.batches[0].received == 2 && report.batches[0].verified == 2 && report.batches[0].adjudicated == 1)
        // Whoever keyed a form does not decide it.
        let c = cases[2].code
        _ = try await p.doubleEntry.key(campaign: id, code: c, answers: form, by: first)
        _ = try await p.doubleEntry.key(campaign: id, code: c, answers: other, by: admin)
        await refused("người quyết định phải là người khác") { try await p.doubleEntry.adjudicate(campaign: id, code: c, values: [likert[1]: "1"], by: admin) }
    }
}
