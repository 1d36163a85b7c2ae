import Foundation
import SIPASCore
import SIPASFormats
import SIPASStore
import SIPASTestSupport
import SQLKit
import Testing
@testable import SIPASApp

/// The post office's fieldwork on a drawn sample, as the province and the enumerators run it,
/// through the application layer, on SQLite and PostgreSQL.
@Suite(.freshDatabase) struct FieldworkTests {
    struct Setting {
        let platform: Platform
        let admin: User
        let campaign: Campaign
        let communes: [AdminUnit]
        let office: PostOffices.PostOffice
        let an: User, binh: User, supervisor: User
    }

    static let design = """
        key: ma_ho_so
        stages:
          - name: person
            strata: [ma_don_vi]
            size: {rule: fixed, count: 4}
            reserves: {count: 2}

        """

    /// A campaign of six communes drawn 4 + 2 reserves per commune, a post office with two enumerators and a supervisor.
    func setting() async throws -> Setting {
        let sampling = SamplingTests()
        let s = try await sampling.setting()
        let p = s.platform, id = s.campaign.id
        let preview = try await p.samplingFrames.upload(campaign: id, fileName: "k.csv", bytes: SamplingTests.frameCSV(s.communes, rows: 60), by: s.admin)
        _ = try await p.samplingFrames.importFrame(campaign: id, .init(uploadId: preview.uploadId, mapping: SamplingTests.mapping), by: s.admin)
        _ = try await p.samplingFrames.fix(campaign: id, rule: "first", seed: nil, by: s.admin)
        _ = try await p.samplingDesigns.save(campaign: id, document: Self.design, areas: nil, by: s.admin)
        _ = try await p.samplingDraws.draw(campaign: id, seed: "bưu điện", reason: nil, by: s.admin)
        let office = try await p.postOffices.create(name: "Bưu điện tỉnh Lạng Sơn", provinceUnitId: nil, by: s.admin)
        func member(_ name: String, _ role: Role) async throws -> User {
            try await p.postOffices.addMember(.init(username: name, displayName: name.uppercased(), password: "Mật-khẩu-dài-2026", role: role.rawValue, scopeUnitId: nil),
                                              postOffice: office.id, by: s.admin)
        }
        return Setting(platform: p, admin: s.admin, campaign: s.campaign, communes: s.communes, office: office,
                       an: try await member("t.an", .enumerator), binh: try await member("t.binh", .enumerator),
                       supervisor: try await member("t.giamsat", .fieldSupervisor))
    }

    func refused(_ fragment: String, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("accepted; expected a refusal with \"\(fragment)\"")
        } catch let error as AppError {
            let text = ([error.message] + error.items.map(\.message)).joined(separator: " | ")
            #expect(text.contains(fragment), "\(text)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func theProvinceAssignsAndEachEnumeratorSeesOnlyTheirCases() async throws {
        let s = try await setting()
        let p = s.platform, id = s.campaign.id
        let preview = try await p.assignments.preview(campaign: id, by: s.admin)
        #expect(preview.units.count == 6 && preview.units.allSatisfy { $0.cases == 4 && $0.unassigned == 4 })
        // The province's post offices' enumerators (the demo's two offices and this one), balanced by whole communes.
        #expect(Set(preview.loads.map(\.enumerator.username)).isSuperset(of: ["t.an", "t.binh"]) && !preview.loads.contains { $0.enumerator.role != .enumerator })
        let shares = Dictionary(grouping: preview.suggestion.values, by: \.username).mapValues(\.count)
        #expect(preview.suggestion.count == 6 && shares.values.max()! - (shares.count == preview.loads.count ? shares.values.min()! : 0) <= 1, "\(shares)")

        let first = s.communes.prefix(3).map(\.id), rest = s.communes.suffix(3).map(\.id)
        #expect(try await p.assignments.assign(campaign: id, unitIds: first, to: s.an.id, by: s.admin) == .init(assigned: 12, alreadyHeld: 0))
        #expect(try await p.assignments.assign(campaign: id, unitIds: first + rest, to: s.binh.id, by: s.admin) == .init(assigned: 12, alreadyHeld: 12))
        await refused("không có điều tra viên") { _ = try await p.assignments.assign(campaign: id, unitIds: first, to: s.supervisor.id, by: s.admin) }
        await refused("không được đo") { _ = try await p.assignments.assign(campaign: id, unitIds: [999_999], to: s.an.id, by: s.admin) }

        let mine = try await p.fieldworkCases.list(campaign: id, by: s.an)
        #expect(mine.count == 12 && mine.allSatisfy { $0.enumerator == "t.an" && $0.fieldCase.status == "assigned" })
        #expect(mine.allSatisfy { !($0.contact["name"] ?? "").isEmpty && $0.contact["phone"] != nil }, "contacts decrypted for the holder: \(mine.first!.contact)")
        // The reading's audit entry names whose contacts were read (codes, never the contacts).
        let reading = try #require(try await AuditLog(p.db).list(limit: 1, offset: 0, filter: .init(action: "fieldwork.contacts")).first)
        #expect(mine.allSatisfy { line in reading.detail.contains(line.fieldCase.code) || reading.detail.contains(" … ") }, "\(reading.detail)")
        #expect(reading.actor == "t.an" && reading.detail.hasPrefix("đọc thông tin liên hệ của 12 trường hợp: ") && !reading.detail.contains(mine[0].contact["name"]!))
        #expect(FieldworkCases.runs([5, 1, 2, 3, 9]) == "\(CaseCode(number: 1)) … \(CaseCode(number: 3)), \(CaseCode(number: 5)), \(CaseCode(number: 9))")
        let theirs = try await p.fieldworkCases.list(campaign: id, by: s.binh)
        #expect(Set(theirs.map(\.fieldCase.code)).isDisjoint(with: mine.map(\.fieldCase.code)))
        // Another enumerator's case is no case at all for an: detail, disposition and replacement alike.
        let other = theirs[0].fieldCase.code
        await refused("trường hợp") { _ = try await p.fieldworkCases.detail(campaign: id, code: other, by: s.an) }
        _ = try await p.campaigns.setStatus(id, to: "fieldwork", by: s.admin)
        await refused("không có trường hợp \(other) trong các trường hợp của bạn") {
            _ = try await p.dispositions.record(.init(code: other, disposition: "delivered"), campaign: id, by: s.an)
        }
        // The supervisor reaches every case of the post office; the analyst reads progress but no one's contacts.
        #expect(try await p.fieldworkCases.list(campaign: id, by: s.supervisor).count == 24)
        let analyst = try #require(try await p.accounts.find(username: "phantich"))
        await refused("quyền") { _ = try await p.fieldworkCases.list(campaign: id, by: analyst) }
        let progress = try await p.fieldworkProgress.report(campaign: id, by: .unit, user: analyst)
        #expect(progress.total.cases == 24 && progress.total[.assigned] == 24)

        // Moving needs a reason, and moves only open cases.
        await refused("lý do") { _ = try await p.assignments.move(campaign: id, codes: [other], to: s.an.id, reason: " ", by: s.admin) }
        #expect(try await p.assignments.move(campaign: id, codes: [other], to: s.an.id, reason: "Điều tra viên Bình nghỉ ốm", by: s.admin) == 1)
        #expect(try await p.fieldworkCases.list(campaign: id, by: s.an).count == 13)
        let history = try await p.fieldworkCases.detail(campaign: id, code: other, by: s.admin)
        #expect(history.events.map(\.value) == ["t.binh", "t.an"] && history.events.last?.reason == "Điều tra viên Bình nghỉ ốm")
    }

    @Test func dispositionsFollowTheirOrderAndAReplacementReleasesTheNextReserve() async throws {
        let s = try await setting()
        let p = s.platform, id = s.campaign.id
        _ = try await p.assignments.assign(campaign: id, unitIds: s.communes.map(\.id), to: s.an.id, by: s.admin)
        _ = try await p.campaigns.setStatus(id, to: "fieldwork", by: s.admin)
        let mine = try await p.fieldworkCases.list(campaign: id, by: s.an).map(\.fieldCase)
        let a = mine[0], b = mine[1]
        await refused("không chuyển sang \"Đã thu phiếu\"") { _ = try await p.dispositions.record(.init(code: a.code, disposition: "collected"), campaign: id, by: s.an) }
        await refused("chữ số kiểm tra") {
            var wrong = Array(a.code)
            wrong[2] = wrong[2] == "9" ? "8" : "9"
            _ = try await p.dispositions.record(.init(code: String(wrong), disposition: "delivered"), campaign: id, by: s.an)
        }
        await refused("không có; dùng một trong") { _ = try await p.dispositions.record(.init(code: a.code, disposition: "lost"), campaign: id, by: s.an) }
        await refused("dd/mm/yyyy") { _ = try await p.dispositions.record(.init(code: a.code, disposition: "delivered", date: "31/02/2026"), campaign: id, by: s.an) }
        await refused("trước ngày bắt đầu điều tra") { _ = try await p.dispositions.record(.init(code: a.code, disposition: "delivered", date: "01/01/1900"), campaign: id, by: s.an) }
        _ = try await p.dispositions.record(.init(code: a.code, disposition: "delivered", date: "02/03/2026"), campaign: id, by: s.an)
        await refused("không sửa được") { _ = try await p.dispositions.record(.init(code: a.code, disposition: "delivered", date: "03/03/2026"), campaign: id, by: s.an) }
        let collected = try await p.dispositions.record(.init(code: a.code, disposition: "Đã thu phiếu"), campaign: id, by: s.an)
        #expect(collected.status == "collected")
        await refused("kết quả đã chốt") { _ = try await p.dispositions.record(.init(code: a.code, disposition: "refused"), campaign: id, by: s.an) }

        // Replacement: never a collected case; a refusal's place goes to its stratum's first reserve, then the second, then none.
        await refused("chỉ thay thế") { _ = try await p.dispositions.replace(code: a.code, campaign: id, by: s.admin) }
        await refused("giám sát") {
            _ = try await p.dispositions.record(.init(code: b.code, disposition: "refused"), campaign: id, by: s.an)
            _ = try await p.dispositions.replace(code: b.code, campaign: id, by: s.an)
        }
        let all = try await p.platformCases(id)
        let reserves = all.filter { $0.stratum == b.stratum && $0.role == "reserve" }.sorted { $0.order < $1.order }
        let first = try await p.dispositions.replace(code: b.code, campaign: id, by: s.supervisor)
        #expect(first.reserve.code == reserves[0].code && first.reserve.enumeratorId == s.an.id && first.replaced.status == "replaced")
        let others = mine.filter { $0.stratum == b.stratum && $0.code != b.code && $0.code != a.code }
        for c in others.prefix(2) {
            _ = try await p.dispositions.record(.init(code: c.code, disposition: "not_found"), campaign: id, by: s.an)
        }
        #expect(try await p.dispositions.replace(code: others[0].code, campaign: id, by: s.admin).reserve.code == reserves[1].code)
        await refused("đã dùng hết trường hợp dự phòng") { _ = try await p.dispositions.replace(code: others[1].code, campaign: id, by: s.admin) }

        // Progress adds up the same in every grouping; released reserves are cases of their own.
        for grouping in FieldworkProgress.Grouping.allCases {
            let report = try await p.fieldworkProgress.report(campaign: id, by: grouping, user: s.admin)
            #expect(report.total.cases == 26 && report.rows.map(\.counts.cases).reduce(0, +) == 26, "\(grouping)")
            #expect(report.total[.collected] == 1 && report.total[.replaced] == 2 && report.total[.notFound] == 1)
            #expect(report.total.responseRate == 1.0 / 26 && report.total.rr1 == 1.0 / 24)
        }
    }

    @Test func aBangKeUploadIsAllOrNothingWithItsLinesNamed() async throws {
        let s = try await setting()
        let p = s.platform, id = s.campaign.id
        _ = try await p.assignments.assign(campaign: id, unitIds: s.communes.map(\.id), to: s.an.id, by: s.admin)
        _ = try await p.campaigns.setStatus(id, to: "fieldwork", by: s.admin)
        let mine = try await p.fieldworkCases.list(campaign: id, by: s.an).map(\.fieldCase.code)
        func table(_ lines: [[String]]) -> RowsFrameTable {
            RowsFrameTable(name: "bang-ke.csv", header: ["Mã phiếu", "Kết quả", "Ngày"], rows: lines.enumerated().map { ($0.offset + 2, $0.element) })
        }
        let bad = table([[mine[0], "delivered", "01/03/2026"], ["000000-0", "delivered", ""], [mine[1], "collected", ""], [mine[0], "delivered", ""]])
        do {
            _ = try await p.dispositions.importTable(bad, campaign: id, by: s.an)
            Issue.record("a bad list was accepted")
        } catch let error as AppError {
            #expect(error.items.map(\.line) == [3, 4, 5], "\(error.items)")
            #expect(error.items[1].column == 2 && error.items[1].field == "Kết quả")
        }
        #expect(try await p.fieldworkCases.list(campaign: id, by: s.an).allSatisfy { $0.fieldCase.status == "assigned" }, "nothing half-done")
        let semicolons = RowsFrameTable(name: "bang-ke.csv", header: ["ma_phieu;ket_qua"], rows: [(2, ["\(mine[0]);delivered"])])
        await refused("dấu chấm phẩy") { _ = try await p.dispositions.importTable(semicolons, campaign: id, by: s.an) }
        let good = table([[mine[0], "delivered", "01/03/2026"], [mine[1], "Từ chối", ""]])
        #expect(try await p.dispositions.importTable(good, campaign: id, by: s.an) == .init(recorded: 2, unchanged: 0))
        #expect(try await p.dispositions.importTable(good, campaign: id, by: s.an) == .init(recorded: 0, unchanged: 2))
    }

    @Test func theIndexUsesFinalWeightsAndHoldsOutWhatTheRecheckDidNotConfirm() async throws {
        let s = try await setting()
        let p = s.platform, id = s.campaign.id
        _ = try await p.assignments.assign(campaign: id, unitIds: s.communes.map(\.id), to: s.an.id, by: s.admin)
        _ = try await p.campaigns.setStatus(id, to: "fieldwork", by: s.admin)
        let mine = try await p.fieldworkCases.list(campaign: id, by: s.an).map(\.fieldCase)
        // Two of the four sampled cases of the first commune answer, one of the second's.
        let firstCell = mine.filter { $0.stratum == mine[0].stratum }, secondCell = mine.filter { $0.stratum != mine[0].stratum && $0.stratum == mine.first { $0.stratum != mine[0].stratum }!.stratum }
        let answering = Array(firstCell.prefix(2)) + [secondCell[0]]
        let csv = "response_id,case,A1\n" + answering.enumerated().map { "R\($0.offset),\($0.element.code),\($0.offset == 2 ? 1 : 5)" }.joined(separator: "\n") + "\n"
        _ = try await p.responses.importCSV(.bytes(Array(csv.utf8)), campaign: id, by: s.admin)
        #expect(try await p.fieldworkCases.list(campaign: id, by: s.an).filter { $0.fieldCase.status == "collected" }.count == 3, "a stored response is its case collected")
        let weights = try #require(try await p.sampleWeights.overlay(campaign: id, responses: 3, platform: p))
        let d1 = firstCell[0].designWeight, d2 = secondCell[0].designWeight
        #expect(weights.weights == [.final(d1 * 4 / 2), .final(d1 * 4 / 2), .final(d2 * 4 / 1)])

        // The re-check picks one collected case of the enumerator (10%, at least one); not confirmed, it leaves the index until decided.
        #expect(try await p.rechecks.select(campaign: id, by: s.admin) == 1)
        let overview = try await p.rechecks.overview(campaign: id, by: s.admin)
        let picked = try #require(overview.cases.first?.fieldCase)
        #expect(RecheckSelection.select(answering.map { .init(enumerator: "t.an", key: $0.frameKey) }, seed: "bưu điện")["t.an"] == [picked.frameKey])
        let before = try await p.index.compute(campaign: id, .init(), by: s.admin).responses
        try await p.rechecks.record(campaign: id, code: picked.code, outcome: "not_confirmed", note: "Người dân nói chưa nhận phiếu", by: s.admin)
        #expect(try await p.index.compute(campaign: id, .init(), by: s.admin).responses == before - 1)
        #expect(try await p.rechecks.overview(campaign: id, by: s.admin).perEnumerator.first?.shareConfirmed == 0)
        try await p.rechecks.decide(campaign: id, code: picked.code, decision: "kept", note: "Đã gọi lại, người dân xác nhận", by: s.admin)
        #expect(try await p.index.compute(campaign: id, .init(), by: s.admin).responses == before)
        await refused("một phiếu") {
            _ = try await p.responses.importCSV(.bytes(Array("response_id,case,A1\nR9,\(answering[0].code),4\n".utf8)), campaign: id, by: s.admin)
        }
    }
}

extension Platform {
    /// Every case of a campaign, reserves included (tests look at the draw's order).
    func platformCases(_ campaign: Int) async throws -> [FieldworkRepository.FieldCase] {
        try await read { sql in try await FieldworkRepository().allCases(campaignId: campaign, on: sql) }
    }
}
