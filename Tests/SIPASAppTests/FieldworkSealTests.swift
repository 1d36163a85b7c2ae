import Foundation
import SIPASCore
import SIPASStore
import SIPASTestSupport
import SQLKit
import Testing
@testable import SIPASApp

/// The fieldwork under the audit chain: whatever the application changes verifies; what is
/// changed behind its back — a disposition, a case's holder, a keying, a case rolled back with
/// its old seal, a post office's province, a response moved to another case — is named.
@Suite(.freshDatabase) struct FieldworkSealTests {
    struct Worked {
        let setting: FieldworkTests.Setting
        let cases: [FieldworkRepository.FieldCase]
        var p: Platform { setting.platform }
        var id: Int { setting.campaign.id }
    }

    /// Assignments, dispositions, a replacement, a re-check and a form keyed twice, all through the application.
    func worked() async throws -> Worked {
        let s = try await FieldworkTests().setting()
        let p = s.platform, id = s.campaign.id
        _ = try await p.assignments.assign(campaign: id, unitIds: s.communes.map(\.id), to: s.an.id, by: s.admin)
        _ = try await p.campaigns.setStatus(id, to: "fieldwork", by: s.admin)
        let cases = try await p.fieldworkCases.list(campaign: id, by: s.an).map(\.fieldCase)
        _ = try await p.dispositions.record(.init(code: cases[0].code, disposition: "delivered"), campaign: id, by: s.an)
        _ = try await p.dispositions.record(.init(code: cases[0].code, disposition: "collected"), campaign: id, by: s.an)
        _ = try await p.dispositions.record(.init(code: cases[1].code, disposition: "refused"), campaign: id, by: s.an)
        _ = try await p.dispositions.replace(code: cases[1].code, campaign: id, by: s.admin)
        _ = try await p.assignments.move(campaign: id, codes: [cases[2].code], to: s.binh.id, reason: "nghỉ phép", by: s.admin)
        _ = try await p.rechecks.select(campaign: id, share: 1, by: s.admin)
        let province = try await p.unitRegister.unit(code: "20", register: .reform2025, by: s.admin)
        let system = try #require(try await p.accounts.find(username: "admin"))
        var clerks: [User] = []
        for name in ["t.nl1", "t.nl2"] {
            clerks.append(try await p.accounts.create(.init(username: name, displayName: name, password: "Mật-khẩu-dài-2026", role: "data-entry-clerk",
                                                            scopeUnitId: province.id), by: system))
        }
        let item = try await p.questionnaire(of: s.campaign).questionnaire.items.first { $0.type == .likert }!.code
        for clerk in clerks { _ = try await p.doubleEntry.key(campaign: id, code: cases[3].code, answers: [item: "4"], by: clerk) }
        _ = try await p.doubleEntry.key(campaign: id, code: cases[4].code, answers: [item: "3"], by: clerks[0])
        return Worked(setting: s, cases: cases)
    }

    func problems(_ w: Worked) async throws -> [String] { try await AuditLog(w.p.db).verify().problems }

    func tamper(_ w: Worked, _ statement: SQLQueryString) async throws {
        try await w.p.db.transaction { sql in try await sql.raw(statement).run() }
    }

    @Test func whatTheApplicationChangedVerifies() async throws {
        let w = try await worked()
        #expect(try await problems(w) == [])
        let sealed = try await w.p.db.read { sql in
            try await sql.raw("SELECT COUNT(*) AS n FROM cases WHERE campaign_id = \(bind: w.id) AND seal IS NOT NULL").first()!.decode(column: "n", as: Int.self)
        }
        #expect(sealed == w.cases.count + 1, "every assigned case and the released reserve, and no untouched reserve")
    }

    @Test func aDispositionOrAHolderChangedBehindTheApplicationsBackIsNamed() async throws {
        let w = try await worked()
        try await tamper(w, "UPDATE cases SET status = 'collected' WHERE campaign_id = \(bind: w.id) AND code = \(bind: w.cases[5].code)")
        try await tamper(w, "UPDATE cases SET enumerator_id = \(bind: w.setting.binh.id) WHERE campaign_id = \(bind: w.id) AND code = \(bind: w.cases[6].code)")
        let found = try await problems(w).joined()
        #expect(found.contains(w.cases[5].code) && found.contains(w.cases[6].code) && found.contains("điều tra thực địa"), "\(found)")
    }

    @Test func textMovedBetweenRowsAndNullsSpelledAsTextAreNamed() async throws {
        let w = try await worked()
        // The last column of a case's row takes the text of the event after it, and the event goes.
        let c = w.cases[0]
        let char = w.p.db.engine == .postgres ? "chr" : "char"
        try await tamper(w, """
            UPDATE cases SET recheck_decision = COALESCE(recheck_decision, '') || \(unsafeRaw: char)(30) || (SELECT 'event:' || CAST(id AS TEXT) || \(unsafeRaw: char)(31) || kind
              || \(unsafeRaw: char)(31) || value || \(unsafeRaw: char)(31) || occurred_on || \(unsafeRaw: char)(31) || COALESCE(reason, '∅') || \(unsafeRaw: char)(31)
              || COALESCE(CAST(user_id AS TEXT), '∅') || \(unsafeRaw: char)(31) || recorded_at
              FROM case_events WHERE campaign_id = \(bind: w.id) AND case_number = \(bind: c.number) ORDER BY id LIMIT 1)
            WHERE campaign_id = \(bind: w.id) AND code = \(bind: c.code)
            """)
        try await tamper(w, "DELETE FROM case_events WHERE id = (SELECT MIN(id) FROM case_events WHERE campaign_id = \(bind: w.id) AND case_number = \(bind: c.number))")
        try await tamper(w, "UPDATE cases SET recheck = '∅' WHERE campaign_id = \(bind: w.id) AND code = \(bind: w.cases[13].code) AND recheck IS NULL")
        let found = try await problems(w).joined()
        #expect(found.contains(c.code) && found.contains(w.cases[13].code), "\(found)")
    }

    @Test func aResponseUnlinkedFromItsCaseIsNamed() async throws {
        let w = try await worked()
        try await tamper(w, "UPDATE responses SET case_number = NULL WHERE campaign_id = \(bind: w.id) AND case_number = \(bind: w.cases[3].number)")
        let found = try await problems(w).joined()
        #expect(found.contains("bị tách khỏi trường hợp") && found.contains("PG-\(w.cases[3].code)"), "\(found)")
    }

    @Test func enumeratorsDoNotSeeWhichCasesAreRechecked() async throws {
        let w = try await worked()
        let chosen = w.cases[0]
        #expect(try await w.p.fieldworkCases.detail(campaign: w.id, code: chosen.code, by: w.setting.admin).line.fieldCase.recheck == "selected")
        for account in [w.setting.an, w.setting.supervisor] {
            #expect(try await w.p.fieldworkCases.list(campaign: w.id, by: account).allSatisfy { $0.fieldCase.recheck == nil && $0.fieldCase.recheckDecision == nil })
            let detail = try await w.p.fieldworkCases.detail(campaign: w.id, code: chosen.code, by: account)
            #expect(detail.line.fieldCase.recheck == nil && !detail.events.contains { $0.kind == "recheck" }, "\(account.username)")
        }
    }

    @Test func aKeyingOrAnEventDeletedIsNamed() async throws {
        let w = try await worked()
        try await tamper(w, "DELETE FROM keyings WHERE campaign_id = \(bind: w.id) AND case_number = \(bind: w.cases[4].number)")
        try await tamper(w, "DELETE FROM case_events WHERE campaign_id = \(bind: w.id) AND case_number = \(bind: w.cases[1].number)")
        let found = try await problems(w).joined()
        #expect(found.contains(w.cases[4].code) && found.contains(w.cases[1].code), "\(found)")
    }

    @Test func aCaseRolledBackWithItsOldSealIsCaughtByTheCampaignsSum() async throws {
        let w = try await worked()
        let code = w.cases[7].code
        let before = try await w.p.db.read { sql in
            try await sql.raw("SELECT status, disposition_on, seal FROM cases WHERE campaign_id = \(bind: w.id) AND code = \(bind: code)").first()!
        }
        let status = try before.decode(column: "status", as: String.self), on = try before.decode(column: "disposition_on", as: String?.self)
        let seal = try before.decode(column: "seal", as: String?.self)
        _ = try await w.p.dispositions.record(.init(code: code, disposition: "refused"), campaign: w.id, by: w.setting.an)
        #expect(try await problems(w) == [])
        try await tamper(w, "UPDATE cases SET status = \(bind: status), disposition_on = \(bind: on), seal = \(bind: seal) WHERE campaign_id = \(bind: w.id) AND code = \(bind: code)")
        try await tamper(w, "DELETE FROM case_events WHERE campaign_id = \(bind: w.id) AND case_number = \(bind: w.cases[7].number) AND value = 'refused'")
        let found = try await problems(w).joined()
        #expect(found.contains("kỳ \(w.id): trạng thái điều tra thực địa khác với lần ghi cuối"), "\(found)")
    }

    @Test func aPostOfficeMovedToAnotherProvinceAndAResponseMovedToAnotherCaseAreNamed() async throws {
        let w = try await worked()
        try await tamper(w, "UPDATE post_offices SET scope_unit_id = scope_unit_id + 1 WHERE id = \(bind: w.setting.office.id)")
        try await tamper(w, "UPDATE responses SET case_number = \(bind: w.cases[9].number) WHERE campaign_id = \(bind: w.id) AND case_number = \(bind: w.cases[3].number)")
        let found = try await problems(w).joined()
        #expect(found.contains("post-office \(w.setting.office.id)") && found.contains("post_offices"), "\(found)")
        #expect(found.contains("trường hợp khác"), "\(found)")
    }

    @Test func aResponseForACaseRecordedAsARefusalIsFlaggedInItsHistory() async throws {
        let w = try await worked()
        let refused = w.cases[8]
        _ = try await w.p.dispositions.record(.init(code: refused.code, disposition: "refused"), campaign: w.id, by: w.setting.an)
        let records = [ResponseRepository.Record(responseId: "R-\(refused.code)", unitId: nil, channel: "paper", stratum: nil, psu: nil, weight: nil,
                                                 attributes: ["case": refused.code], answers: "")]
        let joined = try await ResponseCases(w.p).join(records, campaign: w.setting.campaign)
        try await w.p.db.transaction { sql in
            _ = try await w.p.store.responses.store([.init(campaignId: w.id, records: joined, audit: .init(userId: nil, actor: "test", action: "responses.import",
                                                                                                                 entity: "campaign", entityId: String(w.id)))], on: sql)
        }
        let detail = try await w.p.fieldworkCases.detail(campaign: w.id, code: refused.code, by: w.setting.admin)
        #expect(detail.line.fieldCase.status == "collected")
        #expect(detail.events.contains { $0.kind == "disposition" && $0.reason?.contains("đã ghi \"Từ chối\"; cần kiểm tra") == true }, "\(detail.events)")
        #expect(try await w.p.fieldworkProgress.report(campaign: w.id, by: .unit, user: w.setting.admin).toCheck == [refused.code])
        #expect(try await w.p.fieldworkProgress.report(campaign: w.id, by: .enumerator, user: w.setting.supervisor).toCheck == [], "the administrator's to find out")
        // A note typed to look like the application's own words flags nothing.
        let planted = w.cases[12]
        _ = try await w.p.dispositions.record(.init(code: planted.code, disposition: "delivered"), campaign: w.id, by: w.setting.an)
        _ = try await w.p.dispositions.record(.init(code: planted.code, disposition: "collected", note: ResponseRepository.collectedAfter("refused")), campaign: w.id, by: w.setting.an)
        #expect(try await w.p.fieldworkProgress.report(campaign: w.id, by: .unit, user: w.setting.admin).toCheck == [refused.code])
        #expect(try await problems(w) == [])
    }

    @Test func responsesStoredBeforeTheirCaseWasAColumnJoinItOnceAtUpgrade() async throws {
        let w = try await worked()
        let a = w.cases[10], b = w.cases[11]
        // As an earlier release stored them: the case named only in the `case` attribute, one case named twice.
        let records = [a, a, b].enumerated().map { i, c in
            ResponseRepository.Record(responseId: "OLD-\(i)", unitId: c.unitId, channel: "paper", stratum: nil, psu: nil, weight: nil, attributes: ["case": c.code], answers: "")
        }
        try await w.p.db.transaction { sql in
            _ = try await w.p.store.responses.store([.init(campaignId: w.id, records: records, audit: .init(userId: nil, actor: "test", action: "responses.import",
                                                                                                              entity: "campaign", entityId: String(w.id)))], on: sql)
        }
        try await w.p.db.transaction { sql in try await ResponseRepository(w.p.db).joinCases(on: sql) }
        let joined = try await w.p.db.read { sql in
            try await sql.raw("SELECT response_id, case_number FROM responses WHERE response_id LIKE 'OLD-%' ORDER BY response_id").all()
                .map { "\(try $0.decode(column: "response_id", as: String.self))=\(try $0.decode(column: "case_number", as: Int?.self).map(String.init) ?? "-")" }
        }
        #expect(joined == ["OLD-0=\(a.number)", "OLD-1=-", "OLD-2=\(b.number)"], "the first response of a case takes it")
        for c in [a, b] { #expect(try await w.p.fieldworkCases.detail(campaign: w.id, code: c.code, by: w.setting.admin).line.fieldCase.status == "collected") }
        #expect(try await problems(w) == [])
    }

    @Test func aFormWhoseResponseCameByAnotherChannelIsNotKeyedAgain() async throws {
        let w = try await worked()
        let c = w.cases[4]  // keyed once
        let joined = try await ResponseCases(w.p).join([ResponseRepository.Record(responseId: "WEB-1", unitId: nil, channel: "online", stratum: nil, psu: nil, weight: nil,
                                                                                  attributes: ["case": c.code], answers: "")], campaign: w.setting.campaign)
        try await w.p.db.transaction { sql in
            _ = try await w.p.store.responses.store([.init(campaignId: w.id, records: joined, audit: .init(userId: nil, actor: "test", action: "responses.import",
                                                                                                             entity: "campaign", entityId: String(w.id)))], on: sql)
        }
        let clerk = try #require(try await w.p.accounts.find(username: "t.nl2"))
        let item = try await w.p.questionnaire(of: w.setting.campaign).questionnaire.items.first { $0.type == .likert }!.code
        do {
            _ = try await w.p.doubleEntry.key(campaign: w.id, code: c.code, answers: [item: "3"], by: clerk)
            Issue.record("a second keying of a case with a response was accepted")
        } catch let error as AppError {
            #expect(error.message.contains("đã có phiếu trả lời được lưu (WEB-1)"), "\(error.message)")
        }
        let batches = try await w.p.entryProgress.report(campaign: w.id, by: w.setting.admin).batches
        #expect(batches.map(\.elsewhere).reduce(0, +) == 1 && batches.map(\.keyedOnce).reduce(0, +) == 0, "\(batches)")
        #expect(try await problems(w) == [])
    }

    @Test func anEnumeratorSubmitsQuestionnairesOnlyForTheirOwnCases() async throws {
        let w = try await worked()
        let theirs = try #require(try await w.p.fieldworkCases.list(campaign: w.id, by: w.setting.binh).first).fieldCase
        let mine = w.cases[14]
        let item = try await w.p.questionnaire(of: w.setting.campaign).questionnaire.items.first { $0.type == .likert }!.code
        func submit(_ id: String, _ attributes: [String: String], unit: Int?) async throws {
            _ = try await w.p.responses.submit(.init(responseId: id, unitId: unit, channel: "online", answers: [item: "3"], attributes: attributes), campaign: w.id, by: w.setting.an)
        }
        for (id, attributes, unit) in [("E-1", ["case": theirs.code], Optional<Int>.none), ("E-2", [:], Optional(mine.unitId))] {
            do {
                try await submit(id, attributes, unit: unit)
                Issue.record("\(id) accepted")
            } catch let error as AppError {
                let text = error.items.map(\.message).joined()
                #expect(id == "E-1" ? text.contains(FieldworkScope.unknownCase(theirs.code)) : text.contains("ghi mã phiếu (cột case)"), "\(text)")
            }
        }
        #expect(try await w.p.fieldworkCases.detail(campaign: w.id, code: theirs.code, by: w.setting.admin).line.fieldCase.status == theirs.status, "nothing changed")
        try await submit("E-3", ["case": mine.code], unit: nil)
        #expect(try await w.p.fieldworkCases.detail(campaign: w.id, code: mine.code, by: w.setting.admin).line.fieldCase.status == "collected")
        #expect(try await problems(w) == [])
    }

    @Test func aValueSpelledWithAnotherTypeOrANulInsideIsNamed() async throws {
        let w = try await worked()
        guard w.p.db.engine == .sqlite else { return }  // PostgreSQL's columns hold their declared type, and its text holds no NUL.
        try await tamper(w, "UPDATE cases SET status = CAST(status AS BLOB) WHERE campaign_id = \(bind: w.id) AND code = \(bind: w.cases[15].code)")
        try await tamper(w, "UPDATE cases SET status = status || char(0) || 'x' WHERE campaign_id = \(bind: w.id) AND code = \(bind: w.cases[16].code)")
        let found = try await problems(w).joined()
        #expect(found.contains(w.cases[15].code) && found.contains(w.cases[16].code), "\(found)")
    }
}
