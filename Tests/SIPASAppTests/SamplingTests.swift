import Foundation
import SIPASCore
import SIPASFormats
import SIPASStore
import SIPASTestSupport
import SQLKit
import Testing
@testable import SIPASApp

/// Frames, designs, draws and verification as an official runs them, through the application
/// layer (the API and the screens are thin over it), on SQLite and PostgreSQL.
@Suite(.freshDatabase) struct SamplingTests {
    struct Setting {
        let platform: Platform
        let admin: User
        let campaign: Campaign
        let communes: [AdminUnit]
    }

    /// A 2026 draft campaign of the 2025 Lạng Sơn province on six of its communes.
    func setting() async throws -> Setting {
        let platform = FreshDatabase.here.platform
        let admin = try #require(try await platform.accounts.find(username: "snv.langson"))
        let province = try await platform.unitRegister.unit(code: "20", register: .reform2025, by: admin)
        let communes = Array(try await platform.unitRegister.search(.init(register: "2025", level: "commune", within: province.id), by: admin,
                                                                    limit: 6, offset: 0))
        let campaign = try await platform.campaigns.create(.init(
            code: "LSN-2026-MAU", year: 2026, title: "Đo lường sự hài lòng 2026", questionnaireCode: "sipas-2023", questionnaireVersion: 1,
            ownerUnitId: province.id, units: communes.map { .init(unitId: $0.id) }), by: admin)
        _ = try await platform.campaigns.setStatus(campaign.id, to: "sampling", by: admin)
        return Setting(platform: platform, admin: admin, campaign: campaign, communes: communes)
    }

    static func frameCSV(_ communes: [AdminUnit], rows: Int = 240, extra: [String] = []) -> [UInt8] {
        var lines = ["Số hồ sơ,Mã xã,Họ và tên,Điện thoại,Địa chỉ,Lĩnh vực,Ngày hoàn thành,Ghi chú"]
        for i in 0..<rows {
            let unit = communes[i % communes.count]
            let field = ["Tư pháp", "Đất đai", "Hộ tịch"][i % 3]
            lines.append("HS-\(String(format: "%05d", i)),\(unit.code),Người Số \(i),0912\(String(format: "%06d", i)),\"Thôn \(i % 7), \(unit.name)\",\(field),\(10 + i % 18)/0\(1 + i % 9)/2026,")
        }
        // The same person (name and phone written differently) on two dossiers.
        lines.append("HS-90001,\(communes[0].code),Nguyễn Văn Ấn,0912 345 678,Thôn 1,Tư pháp,02/02/2026,")
        lines.append("HS-90002,\(communes[1].code),nguyen van an,+84912345678,Thôn 2,Đất đai,03/02/2026,lần 2")
        return Array((lines + extra).joined(separator: "\n").utf8)
    }

    static let mapping = ["key": "Số hồ sơ", "unit": "Mã xã", "name": "Họ và tên", "phone": "Điện thoại", "address": "Địa chỉ",
                          "service": "Lĩnh vực", "completed_on": "Ngày hoàn thành"]

    @Test func anOfficialImportsMapsFixesDrawsVerifiesAndPurges() async throws {
        let s = try await setting()
        let frames = s.platform.samplingFrames, id = s.campaign.id
        let preview = try await frames.upload(campaign: id, fileName: "mot-cua.csv", bytes: Self.frameCSV(s.communes), by: s.admin)
        #expect(preview.totalRows == 242)
        #expect(preview.suggested[.key] == "Số hồ sơ" && preview.suggested[.unit] == "Mã xã" && preview.suggested[.phone] == "Điện thoại")
        let imported = try await frames.importFrame(campaign: id, .init(uploadId: preview.uploadId, mapping: Self.mapping), by: s.admin)
        #expect(imported.frame?.status == "checked")
        #expect(imported.duplicates.map { $0.map(\.key) } == [["HS-90001", "HS-90002"]])
        let fixed = try await frames.fix(campaign: id, rule: "last", seed: nil, by: s.admin)
        #expect(fixed.frame?.status == "fixed" && fixed.frame?.keptRows == 241)
        #expect(fixed.duplicates[0].map(\.kept) == [false, true])

        let designs = s.platform.samplingDesigns
        // More than the fixed frame holds, and minimums above the total: refused at saving, nothing kept.
        for (document, fragment) in [
            ("key: ma_ho_so\nstages:\n  - name: person\n    strata: [ma_don_vi]\n    size: {rule: fixed, count: 5000}\n    scope: total\n", "5000"),
            ("key: ma_ho_so\nstages:\n  - name: person\n    strata: [ma_don_vi]\n    size: {rule: fixed, count: 12}\n    scope: total\n    allocation: {method: proportional, min: 3}\n", "min"),
        ] {
            do {
                _ = try await designs.save(campaign: id, document: document, areas: nil, by: s.admin)
                Issue.record("an undrawable design was saved: \(document)")
            } catch let error as AppError {
                #expect(error.message.contains("khung mẫu đã chốt không cho được") && error.message.contains(fragment), "\(error.message)")
            }
        }
        #expect(try await designs.state(campaign: id, by: s.admin).document == SamplingDesigns.starter)
        _ = try await designs.save(campaign: id, document: SamplingDesigns.starter, areas: nil, by: s.admin)
        let sizes = try await designs.sizes(campaign: id, by: s.admin)
        #expect(sizes.total.population == 241)
        #expect(sizes.rows.count == 6 && sizes.rows.allSatisfy { $0.sample == SizeRule.yamane(e: 0.05).size(population: $0.population) })
        let firstRow = try #require(sizes.rows.first)
        let firstUnit = try #require(s.communes.first { $0.code == firstRow.stratum })
        #expect(firstRow.label.contains(firstUnit.name))

        let draws = s.platform.samplingDraws
        let outcome = try await draws.draw(campaign: id, seed: "Lạng Sơn 2026", reason: nil, by: s.admin)
        #expect(outcome.sampled == sizes.total.sample && outcome.reserves == sizes.total.reserves)
        let cases = try await draws.cases(campaign: id, limit: 500, offset: 0, by: s.admin)
        #expect(cases.count == outcome.sampled + outcome.reserves)
        #expect(cases.allSatisfy { CaseCode($0.code) != nil })
        for row in sizes.rows {
            let weight = try #require(cases.first { $0.stratum == row.stratum }?.designWeight)
            #expect(abs(weight - Double(row.population) / Double(row.sample)) < 1e-9)
        }

        let record = try await draws.file(.record, campaign: id, number: 1, by: s.admin)
        let drawCSV = try await draws.file(.draw, campaign: id, number: 1, by: s.admin)
        let projection = try await draws.file(.projection, campaign: id, number: 1, by: s.admin)
        #expect(ContentDigest.hex(of: Array(projection.utf8)) == outcome.frameSHA256)
        #expect(!projection.contains("0912") && !projection.contains("Người Số"))
        let verification = SampleVerification()
        func verify(_ draw: String, frame: String = projection) throws -> SampleVerification.Outcome {
            try verification.verify(frame: .init(fileName: "khung.csv", bytes: Array(frame.utf8)), areas: [],
                                    record: .init(fileName: "bien-ban.json", bytes: Array(record.utf8)), draw: .init(fileName: "mau.csv", bytes: Array(draw.utf8)))
        }
        #expect(try verify(drawCSV) == .matches(rows: cases.count, seed: "Lạng Sơn 2026", frameSHA256: outcome.frameSHA256))
        var lines = drawCSV.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[3] = lines[3].replacingOccurrences(of: "sample", with: "reserve")
        guard case .differs(let message) = try verify(lines.joined(separator: "\n")) else { Issue.record("a changed draw verified"); return }
        #expect(message.contains("dòng 4"))
        let shorter = projection.split(separator: "\n").dropLast().joined(separator: "\n") + "\n"
        guard case .differs(let hashMessage) = try verify(drawCSV, frame: shorter) else { Issue.record("another frame verified"); return }
        #expect(hashMessage.contains(outcome.frameSHA256))

        await #expect(throws: AppError.self) { try await draws.draw(campaign: id, seed: "khác", reason: nil, by: s.admin) }
        let second = try await draws.draw(campaign: id, seed: "khác", reason: "Khung mẫu bổ sung hồ sơ tháng 3", by: s.admin)
        #expect(second.draw.number == 2 && second.draw.isFinal)
        let listed = try await draws.list(campaign: id, by: s.admin)
        #expect(listed.map(\.isFinal) == [false, true])

        // Not while fieldwork may still need the contacts; after collection, yes.
        await #expect(throws: AppError.self) { try await frames.purge(campaign: id, by: s.admin) }
        for step in ["fieldwork", "entry", "analysis"] { _ = try await s.platform.campaigns.setStatus(id, to: step, by: s.admin) }
        try await frames.purge(campaign: id, by: s.admin)
        let purged = try await frames.summary(campaign: id, by: s.admin)
        #expect(purged.frame?.status == "purged" && purged.perUnit.allSatisfy { $0.rows == 0 })
        for table in ["sampling_frame_chunks", "sampling_frame_units", "sampling_frame_people"] {
            let left = try await FreshDatabase.here.db.read {
                try await $0.raw(SQLQueryString("SELECT COUNT(*) AS n FROM " + table + " WHERE frame_id IN (SELECT id FROM sampling_frames WHERE campaign_id = \(id))"))
                    .first()!.decode(column: "n", as: Int.self)
            }
            #expect(left == 0, "\(table) keeps rows after the purge")
        }
        // The draw stays verifiable from what was kept.
        let kept = try await draws.file(.projection, campaign: id, number: 2, by: s.admin)
        let keptRecord = try await draws.file(.record, campaign: id, number: 2, by: s.admin)
        let keptDraw = try await draws.file(.draw, campaign: id, number: 2, by: s.admin)
        let again = try verification.verify(frame: .init(fileName: "k.csv", bytes: Array(kept.utf8)), areas: [],
                                            record: .init(fileName: "r.json", bytes: Array(keptRecord.utf8)), draw: .init(fileName: "d.csv", bytes: Array(keptDraw.utf8)))
        guard case .matches = again else { Issue.record("the kept draw no longer verifies: \(again)"); return }
        let actions = try await FreshDatabase.here.db.read { sql in
            try await sql.raw("SELECT action, detail FROM audit_log WHERE entity = 'campaign' AND entity_id = \(bind: String(id)) ORDER BY id").all()
                .map { (try $0.decode(column: "action", as: String.self), try $0.decode(column: "detail", as: String.self)) }
        }
        for action in ["frame.upload", "frame.import", "frame.fix", "sampling.design", "sampling.draw", "sampling.redraw", "frame.purge"] {
            #expect(actions.contains { $0.0 == action }, "audited: \(action)")
        }
        #expect(actions.first { $0.0 == "sampling.redraw" }?.1.contains("Khung mẫu bổ sung") == true)
        #expect(!actions.contains { $0.1.contains("0912") || $0.1.contains("Người Số") })
    }

    @Test func theDesignFormShowsTheSavedDesign() throws {
        for choices in [
            SamplingDesigns.Choices(strata: "ma_don_vi,linh_vuc", rule: "cochran", e: "0,04", p: "0,5", deff: "1,5", rr: "0,8", scope: "per-stratum", minimum: "0", reserves: "0,25"),
            SamplingDesigns.Choices(strata: "", rule: "fixed", e: "0,05", deff: "1", rr: "1", count: "300", scope: "total", allocation: "equal", minimum: "20", reserves: "0,5"),
        ] {
            let back = SamplingDesigns.choices(of: try SamplingDesignReader.read(try SamplingDesigns.document(choices)))
            #expect([back.strata, back.rule, back.scope, back.allocation, back.minimum, back.reserves, back.count]
                    == [choices.strata, choices.rule, choices.scope, choices.allocation, choices.minimum, choices.reserves, choices.count])
            if choices.rule == "cochran" { #expect([back.e, back.deff, back.rr] == [choices.e, choices.deff, choices.rr]) }
        }
        #expect(SamplingDesigns.choices(of: nil).rule == "yamane")
    }

    @Test func areasFilesAreCheckedWhenTheDesignIsSaved() async throws {
        let s = try await setting()
        let document = "key: ma_ho_so\nstages:\n  - {name: thon, method: pps, parent: ma_don_vi, key: ma_dia_ban, size: so_ho, n: 1}\n"
            + "  - name: person\n    within: ma_dia_ban\n    size: {rule: fixed, count: 2}\n"
        let code = s.communes[0].code
        for (content, fragment) in [("ma_don_vi,ma_dia_ban,so_ho\n\(code),T1,-5\n\(code),T2,40\n", "-5"),
                                    ("ma_don_vi,ma_dia_ban,so_ho\n\(code),T1,30\n\(code),T1,40\n", "T1")] {
            do {
                _ = try await s.platform.samplingDesigns.save(campaign: s.campaign.id, document: document, areas: [("thon.csv", content)], by: s.admin)
                Issue.record("a bad areas file was saved: \(content)")
            } catch let error as AppError {
                #expect(error.message.contains("thon.csv") && error.items.contains { $0.message.contains(fragment) }, "\(error.message) \(error.items)")
            }
        }
        #expect(try await s.platform.samplingDesigns.state(campaign: s.campaign.id, by: s.admin).areas.isEmpty)
        let saved = try await s.platform.samplingDesigns.save(campaign: s.campaign.id, document: document,
                                                              areas: [("thon.csv", "ma_don_vi,ma_dia_ban,so_ho\n\(code),T1,30\n\(code),T2,40\n")], by: s.admin)
        #expect(saved.areas.map(\.rows) == [2])
    }

    @Test func aMultiStageDrawServesTheAreasFilesItUsed() async throws {
        let s = try await setting()
        let id = s.campaign.id
        var lines = ["Số hồ sơ,Mã xã,Thôn,Họ và tên"]
        for i in 0..<120 {
            let unit = s.communes[i % 3]
            lines.append("HS-\(i),\(unit.code),T-\(unit.code)-\(i % 2),Người \(i)")
        }
        let preview = try await s.platform.samplingFrames.upload(campaign: id, fileName: "thon.csv", bytes: Array(lines.joined(separator: "\n").utf8), by: s.admin)
        _ = try await s.platform.samplingFrames.importFrame(campaign: id, .init(uploadId: preview.uploadId, mapping: [
            "key": "Số hồ sơ", "unit": "Mã xã", "area": "Thôn", "name": "Họ và tên"]), by: s.admin)
        let document = "key: ma_ho_so\nstages:\n  - {name: thon, method: pps, parent: ma_don_vi, key: ma_dia_ban, size: so_ho, n: 1}\n"
            + "  - name: person\n    within: ma_dia_ban\n    size: {rule: fixed, count: 3}\n"
        let areas = "ma_don_vi,ma_dia_ban,so_ho\n" + s.communes.prefix(3).flatMap { u in ["\(u.code),T-\(u.code)-0,30", "\(u.code),T-\(u.code)-1,50"] }.joined(separator: "\n") + "\n"
        _ = try await s.platform.samplingDesigns.save(campaign: id, document: document, areas: [("thon.csv", areas)], by: s.admin)
        _ = try await s.platform.samplingDraws.draw(campaign: id, seed: "địa bàn", reason: nil, by: s.admin)
        let served = try await s.platform.samplingDraws.areasFile(campaign: id, number: 1, stage: 1, by: s.admin)
        #expect(served.content == areas)
        await #expect(throws: AppError.self) { _ = try await s.platform.samplingDraws.areasFile(campaign: id, number: 1, stage: 2, by: s.admin) }
        // Replaced after the draw: the draw's own file is no longer there to serve, and that is said.
        _ = try await s.platform.samplingDesigns.save(campaign: id, document: document, areas: [("thon.csv", areas.replacingOccurrences(of: ",50", with: ",60"))], by: s.admin)
        do {
            _ = try await s.platform.samplingDraws.areasFile(campaign: id, number: 1, stage: 1, by: s.admin)
            Issue.record("a changed areas file was served as the draw's")
        } catch let error as AppError {
            #expect(error.kind == .conflict)
        }
    }

    @Test func unitCodesExcelWroteWithoutTheirLeadingZeroAreRecognised() {
        let unit = AdminUnit(id: 1, code: "06253", name: "Xã Tri Lễ", kind: "xã", level: .commune, parentId: nil, path: "/1/", register: .reform2025, validFrom: nil, validTo: nil)
        #expect(FrameRowsCheck.zeroDropped("6253", ["06253": unit])?.id == 1)
        #expect(FrameRowsCheck.zeroDropped("06253", ["06253": unit]) == nil)
        #expect(FrameRowsCheck.zeroDropped("625x", ["06253": unit]) == nil)
    }

    @Test func responsesOfCasesCarryTheDrawsDesign() async throws {
        let s = try await setting()
        let id = s.campaign.id
        let preview = try await s.platform.samplingFrames.upload(campaign: id, fileName: "k.csv", bytes: Self.frameCSV(s.communes, rows: 60), by: s.admin)
        _ = try await s.platform.samplingFrames.importFrame(campaign: id, .init(uploadId: preview.uploadId, mapping: Self.mapping), by: s.admin)
        _ = try await s.platform.samplingFrames.fix(campaign: id, rule: "first", seed: nil, by: s.admin)
        _ = try await s.platform.samplingDesigns.save(campaign: id, document: SamplingDesigns.starter, areas: nil, by: s.admin)
        _ = try await s.platform.samplingDraws.draw(campaign: id, seed: "phiếu", reason: nil, by: s.admin)
        _ = try await s.platform.campaigns.setStatus(id, to: "fieldwork", by: s.admin)
        let cases = try await s.platform.samplingDraws.cases(campaign: id, limit: 500, offset: 0, by: s.admin)
        let first = cases[0], second = cases[1]
        let unit = try #require(s.communes.first { $0.id == first.unitId })
        // A typo in the code (its check digit catches it), and a case answered twice: nothing stored.
        var wrong = Array(first.code)
        wrong[0] = wrong[0] == "0" ? "1" : "0"
        for (csv, fragment) in [("response_id,unit,case\nP1,\(unit.code),\(String(wrong))\n", "chữ số kiểm tra"),
                                ("response_id,case\nP1,\(first.code)\nP2,\(first.code)\n", "mỗi trường hợp một phiếu")] {
            do {
                _ = try await s.platform.responses.importCSV(.bytes(Array(csv.utf8)), campaign: id, by: s.admin)
                Issue.record("accepted: \(csv)")
            } catch let error as AppError {
                #expect(error.items.contains { $0.message.contains(fragment) }, "\(error.items)")
            }
        }
        let csv = "response_id,case\nP1,\(first.code)\nP2,\(second.code.replacingOccurrences(of: "-", with: ""))\n"
        _ = try await s.platform.responses.importCSV(.bytes(Array(csv.utf8)), campaign: id, by: s.admin)
        let stored = try await s.platform.responses.list(campaign: id, by: s.admin, limit: 10, offset: 0)
        #expect(stored.count == 2)
        #expect(stored[0].weight == first.designWeight && stored[0].stratum == first.firstStratum && stored[0].unitId == first.unitId)
        #expect(stored[1].weight == second.designWeight && stored[1].unitId == second.unitId)
        // One response per case across imports too; the same file sent again changes nothing.
        _ = try await s.platform.responses.importCSV(.bytes(Array(csv.utf8)), campaign: id, by: s.admin)
        do {
            _ = try await s.platform.responses.importCSV(.bytes(Array("response_id,case\nP3,\(first.code)\n".utf8)), campaign: id, by: s.admin)
            Issue.record("a second response for one case was accepted")
        } catch let error as AppError {
            #expect(error.items.contains { $0.message.contains("đã có phiếu P1") }, "\(error.items)")
        }
        // Back at the sampling step, the draw the responses carry cannot be replaced.
        _ = try await s.platform.campaigns.setStatus(id, to: "sampling", reason: "Bổ sung khung mẫu", by: s.admin)
        do {
            _ = try await s.platform.samplingDraws.draw(campaign: id, seed: "lại", reason: "thử rút lại", by: s.admin)
            Issue.record("a draw replaced the cases that responses carry")
        } catch let error as AppError {
            #expect(error.kind == .conflict && error.message.contains("phiếu trả lời"), "\(error.message)")
        }
    }

    @Test func aBadFrameIsRefusedWholeWithEveryProblemByLine() async throws {
        let s = try await setting()
        let frames = s.platform.samplingFrames, id = s.campaign.id
        let elsewhere = try await s.platform.unitRegister.search(.init(register: "2025", level: "commune"), by: s.admin, limit: 400, offset: 0)
            .first { unit in !s.communes.contains { $0.id == unit.id } }!
        // A commune of the register before 1/7/2025 that became one of the campaign's (its code not reused).
        let legacy = try #require(try await s.platform.store.units.predecessors(of: s.communes[2]).first { p in !s.communes.contains { $0.code == p.code } })
        let extra = [
            "HS-00003,\(s.communes[0].code),Trùng Khóa,0900000000,x,Tư pháp,01/03/2026,",
            ",\(s.communes[0].code),Không Khóa,0900000001,x,Tư pháp,01/03/2026,",
            "HS-80001,99999,Xã Lạ,0900000002,x,Tư pháp,01/03/2026,",
            "HS-80002,\(elsewhere.code),Ngoài Kỳ,0900000003,x,Tư pháp,01/03/2026,",
            "HS-80003,\(s.communes[1].code),Ngoài Năm,0900000004,x,Tư pháp,15/12/2025,",
            "HS-80004,\(s.communes[1].code),Ngày Sai,0900000005,x,Tư pháp,31/02/2026,",
            "HS-80005,\(s.communes[1].code),Ký Tự Lạ,0900000006,x,Tư\u{1F}pháp,01/03/2026,",
            "HS-80006,\(legacy.code),Xã Cũ,0900000007,x,Tư pháp,01/03/2026,",
        ]
        let preview = try await frames.upload(campaign: id, fileName: "loi.csv", bytes: Self.frameCSV(s.communes, rows: 30, extra: extra), by: s.admin)
        do {
            _ = try await frames.importFrame(campaign: id, .init(uploadId: preview.uploadId, mapping: Self.mapping), by: s.admin)
            Issue.record("a frame with problems was imported")
        } catch let error as AppError {
            #expect(error.totalItems == 8)
            let byLine = Dictionary(error.items.map { ($0.line ?? 0, $0.message) }, uniquingKeysWith: { a, _ in a })
            #expect(byLine[34]?.contains("trùng với dòng 5") == true)
            #expect(byLine[35]?.contains("trống") == true)
            #expect(byLine[36]?.contains("99999") == true)
            #expect(byLine[37]?.contains("không thuộc các đơn vị được đo lường") == true)
            #expect(byLine[38]?.contains("ngoài khoảng 01/01/2026–31/12/2026") == true)
            #expect(byLine[39]?.contains("không đọc được") == true)
            #expect(byLine[40]?.contains("ký tự điều khiển") == true)
            #expect(byLine[41]?.contains("trước sắp xếp ngày 01/07/2025") == true && byLine[41]?.contains(s.communes[2].code) == true, "\(byLine[41] ?? "")")
        }
        let summary = try await frames.summary(campaign: id, by: s.admin)
        #expect(summary.frame == nil)
        // Excel's Vietnamese "CSV" separates with semicolons: said so at upload.
        do {
            _ = try await frames.upload(campaign: id, fileName: "excel.csv", bytes: Array("Số hồ sơ;Mã xã\nHS1;06253\n".utf8), by: s.admin)
            Issue.record("a semicolon file was taken as one column")
        } catch let error as AppError {
            #expect(error.message.contains("dấu chấm phẩy"))
        }
        await #expect(throws: AppError.self) {
            _ = try await frames.importFrame(campaign: id, .init(uploadId: preview.uploadId, mapping: ["key": "Số hồ sơ", "unit": "Số hồ sơ"]), by: s.admin)
        }
    }

    @Test func contactsAreSealedAtRestAndOnlyAdministratorsReachTheFrame() async throws {
        let s = try await setting()
        let frames = s.platform.samplingFrames, id = s.campaign.id
        let preview = try await frames.upload(campaign: id, fileName: "mot-cua.csv", bytes: Self.frameCSV(s.communes, rows: 20), by: s.admin)
        _ = try await frames.importFrame(campaign: id, .init(uploadId: preview.uploadId, mapping: Self.mapping), by: s.admin)
        let stored = try await FreshDatabase.here.db.read { sql in
            try await sql.raw("SELECT content FROM sampling_frame_chunks").all().map { try $0.decode(column: "content", as: String.self) }
                .joined(separator: "\n")
        }
        #expect(!stored.contains("0912") && !stored.contains("Người Số") && !stored.contains("Thôn"))
        #expect(stored.contains("HS-00001"))
        for username in ["phantich", "xa.diemhe", "dtv.vanquan", "nhaplieu.langson"] {
            let other = try #require(try await s.platform.accounts.find(username: username))
            await #expect(throws: AppError.self, "\(username) reads the frame") { _ = try await frames.summary(campaign: id, by: other) }
            await #expect(throws: AppError.self, "\(username) uploads a frame") {
                _ = try await frames.upload(campaign: id, fileName: "x.csv", bytes: Self.frameCSV(s.communes, rows: 3), by: other)
            }
        }
        await #expect(throws: AppError.self) { _ = try await s.platform.samplingDraws.file(.projection, campaign: id, number: 1, by: nil) }
    }
}
