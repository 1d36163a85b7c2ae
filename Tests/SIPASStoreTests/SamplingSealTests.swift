import Foundation
import SIPASCore
import SIPASStore
import SIPASTestSupport
import SQLKit
import Testing
@testable import SIPASApp

/// What decides who is asked and with which weight is sealed with its campaign: an edit of a
/// frame's status, the design, a draw or a case in the database shows at `audit verify`, named by
/// its table; contacts are stored only sealed.
@Suite(.freshDatabase) struct SamplingSealTests {
    func drawnCampaign() async throws -> Int {
        let platform = FreshDatabase.here.platform
        let admin = try #require(try await platform.accounts.find(username: "snv.langson"))
        let province = try await platform.unitRegister.unit(code: "20", register: .reform2025, by: admin)
        let communes = try await platform.unitRegister.search(.init(register: "2025", level: "commune", within: province.id), by: admin, limit: 3, offset: 0)
        let campaign = try await platform.campaigns.create(.init(code: "SEAL-2026", year: 2026, title: "Niêm phong", questionnaireCode: "sipas-2023",
                                                                 questionnaireVersion: 1, ownerUnitId: province.id, units: communes.map { .init(unitId: $0.id) }),
                                                           by: admin)
        _ = try await platform.campaigns.setStatus(campaign.id, to: "sampling", by: admin)
        var lines = ["ma,xa,ho_ten,dien_thoai"]
        for i in 0..<60 { lines.append("K\(i),\(communes[i % 3].code),Tên \(i),09000000\(String(format: "%02d", i))") }
        let preview = try await platform.samplingFrames.upload(campaign: campaign.id, fileName: "k.csv", bytes: Array(lines.joined(separator: "\n").utf8), by: admin)
        _ = try await platform.samplingFrames.importFrame(campaign: campaign.id, .init(uploadId: preview.uploadId,
                                                                                      mapping: ["key": "ma", "unit": "xa", "name": "ho_ten", "phone": "dien_thoai"]), by: admin)
        _ = try await platform.samplingDesigns.save(campaign: campaign.id, document: SamplingDesigns.starter, areas: nil, by: admin)
        _ = try await platform.samplingDraws.draw(campaign: campaign.id, seed: "niêm phong", reason: nil, by: admin)
        return campaign.id
    }

    @Test func editsOfSamplingTablesShowAtVerification() async throws {
        let id = try await drawnCampaign()
        let db = FreshDatabase.here.db
        #expect(try await AuditLog(db).verify().intact)
        let edits = [
            ("UPDATE cases SET design_weight = design_weight * 2 WHERE campaign_id = \(id)", "bảng cases"),
            ("UPDATE sampling_draws SET seed = 'khác' WHERE campaign_id = \(id)", "bảng sampling_draws"),
            ("UPDATE sampling_designs SET document = replace(document, '0.05', '0.1') WHERE campaign_id = \(id)", "bảng sampling_designs"),
            ("UPDATE sampling_frames SET status = 'checked' WHERE campaign_id = \(id)", "bảng sampling_frames"),
        ]
        for (statement, table) in edits {
            try await db.transaction { try await $0.raw(SQLQueryString(statement)).run() }
            let found = try await AuditLog(db).verify()
            #expect(!found.intact && found.problems.joined(separator: " ").contains(table), "\(statement): \(found.problems)")
        }
    }

    @Test func contactsAreNeverStoredInTheClear() async throws {
        _ = try await drawnCampaign()
        let dump = try await FreshDatabase.here.db.read { sql in
            var text = ""
            for table in ["sampling_frame_chunks", "sampling_frame_people", "sampling_uploads", "sampling_draws", "cases", "audit_log"] {
                for row in try await sql.raw(SQLQueryString("SELECT * FROM " + table)).all() {
                    for column in row.allColumns { text += (try? row.decode(column: column, as: String?.self) ?? "") ?? "" }
                }
            }
            return text
        }
        #expect(!dump.contains("Tên 1") && !dump.contains("0900000012"))
        #expect(dump.contains("K12"))
    }
}
