import Foundation
import SIPASCore
import SIPASFormats
import SIPASStore

/// Fills a fresh database with something real for newcomers: Lạng Sơn province, Văn Quan district
/// and its communes (from the directive that launched the 2023 survey there), a 2023 campaign on
/// the 2017 questionnaire with generated responses, and one demo account per role. Everything goes
/// through the same use cases as a person's requests, audit entries included.
public enum DemoData {
    public static let password = "sipas-demo-2023"
    public static let campaignCode = "LSN-VQ-2023"
    public static let accounts: [(username: String, name: String, role: Role, scopeCode: String?)] = [
        ("admin", "Quản trị hệ thống (demo)", .systemAdmin, nil),
        ("phantich", "Chuyên viên phân tích Bộ Nội vụ (demo)", .ministryAnalyst, nil),
        ("snv.langson", "Sở Nội vụ tỉnh Lạng Sơn (demo)", .provinceAdmin, "province:20"),
        ("xa.diemhe", "UBND xã Điềm He (demo)", .unitViewer, "commune:06280"),
        ("dtv.vanquan", "Điều tra viên Bưu điện Văn Quan (demo)", .enumerator, "district:184"),
        ("nhaplieu.langson", "Nhập liệu Sở Nội vụ Lạng Sơn (demo)", .dataEntryClerk, "province:20"),
    ]

    public struct Summary: Sendable {
        public var campaignId: Int
        public var responses: Int
        public var created: Bool
    }

    /// Idempotent: does nothing when the demo campaign exists.
    public static func seed(_ platform: Platform) async throws -> Summary {
        let store = platform.store
        if let existing = try await platform.read({ try await store.campaigns.find(code: campaignCode, on: $0) }) {
            return Summary(campaignId: existing.id, responses: try await platform.read { try await store.responses.count(campaignId: existing.id, on: $0) },
                           created: false)
        }
        guard let district = try await store.units.find(register: "legacy", level: "district", code: "184") else {
            throw DatabaseError.migration("danh mục đơn vị chưa được nạp (unit registers missing)")
        }
        let communes = try await store.units.children(of: district)
        for account in accounts where try await platform.accounts.find(username: account.username) == nil {
            var scope: Int?
            if let key = account.scopeCode {
                let parts = key.split(separator: ":").map(String.init)
                scope = try await store.units.find(register: "legacy", level: parts[0], code: parts[1])?.id
            }
            _ = try await platform.accounts.create(.init(username: account.username, displayName: account.name, password: password,
                                                         role: account.role.rawValue, scopeUnitId: scope), by: nil, operator: true)
        }
        guard let admin = try await platform.accounts.find(username: "admin") else { throw DatabaseError.migration("demo admin missing") }
        let campaign = try await platform.campaigns.create(.init(
            code: campaignCode, year: 2023,
            title: "Đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước huyện Văn Quan năm 2023",
            legalBasis: "Kế hoạch số 189/KH-UBND ngày 21/9/2023 của UBND tỉnh Lạng Sơn; Quyết định số 1431/QĐ-UBND ngày 31/8/2022 và số 1184/QĐ-UBND ngày 31/7/2023 của UBND tỉnh Lạng Sơn",
            questionnaireCode: "sipas-2017", questionnaireVersion: 1, ownerUnitId: district.id,
            units: communes.map { .init(unitId: $0.id, targetPercent: 93, targetComparator: ">", targetText: "trên 93%") },
            phases: [.init(phase: "plan", startsOn: "2023-09-21", endsOn: "2023-10-15"),
                     .init(phase: "sampling", startsOn: "2023-10-16", endsOn: "2023-10-31"),
                     .init(phase: "fieldwork", startsOn: "2023-11-01", endsOn: "2023-11-30"),
                     .init(phase: "entry", startsOn: "2023-12-01", endsOn: "2023-12-15"),
                     .init(phase: "analysis", startsOn: "2023-12-16", endsOn: "2024-01-15"),
                     .init(phase: "publication", startsOn: "2024-01-16", endsOn: "2024-01-31")]), by: admin)
        for next in ["sampling", "fieldwork", "entry"] { _ = try await platform.campaigns.setStatus(campaign.id, to: next, by: admin) }
        let summary = try await platform.responses.importCSV(.bytes(generatedResponses(units: communes)), campaign: campaign.id, by: admin)
        _ = try await platform.campaigns.setStatus(campaign.id, to: "analysis", by: admin)
        return Summary(campaignId: campaign.id, responses: summary.added, created: true)
    }

    /// 120 generated questionnaires per commune (strata = communes, PSUs = villages), unit codes.
    static func generatedResponses(units: [AdminUnit]) -> [UInt8] {
        var generator = SyntheticResponses(questionnaire: BuiltinQuestionnaires.load(id: "sipas-2017")!, rows: 120 * units.count,
                                           units: units.count, design: .strataPsu, seed: 2023)
        var bytes: [UInt8] = []
        var lines = [generator.header]
        while generator.appendRow(to: &bytes) {}
        let unitColumn = generator.header.firstIndex(of: "unit")!, stratumColumn = generator.header.firstIndex(of: "stratum")!
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            var fields = CSVLine.decode(String(line))
            let index = Int(fields[unitColumn].dropFirst())! - 1
            fields[unitColumn] = units[index].code
            fields[stratumColumn] = units[index].code
            lines.append(fields)
        }
        return Array(lines.map { CSVLine.encode($0) }.joined(separator: "\n").utf8) + [10]
    }
}
