import Foundation
import SIPASCore
import SIPASFormats
import SIPASStore

/// Fills a fresh database with something real for newcomers: Lạng Sơn province, Văn Quan district
/// and its communes (from the directive that launched the 2023 survey there), a 2023 campaign on
/// the 2017 questionnaire with generated responses, and one demo account per role.
public enum DemoData {
    public static let password = "sipas-demo-2023"
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
    public static func seed(_ services: Services) async throws -> Summary {
        let db = services.db
        if let existing = try await db.withConnection({ try await services.campaigns.find(code: "LSN-VQ-2023", on: $0) }) {
            return Summary(campaignId: existing.id, responses: try await db.withConnection { try await services.responses.count(campaignId: existing.id, on: $0) }, created: false)
        }
        guard let district = try await services.units.find(register: "legacy", level: "district", code: "184") else {
            throw DatabaseError.migration("danh mục đơn vị chưa được nạp (unit registers missing)")
        }
        let communes = try await services.units.children(of: district)
        let admin: User? = try await db.transaction { sql in
            var admin: User?
            for account in accounts where try await services.users.find(username: account.username, on: sql) == nil {
                var scope: Int?
                if let key = account.scopeCode {
                    let parts = key.split(separator: ":").map(String.init)
                    scope = try await services.units.find(register: "legacy", level: parts[0], code: parts[1])?.id
                }
                let user = try await services.users.add(username: account.username, displayName: account.name, password: password,
                                                        role: account.role, scopeUnitId: scope, on: sql)
                try await services.record(nil, "user.create", entity: "user", id: String(user.id), after: "\(user.username)|\(user.role.rawValue)", detail: "demo", on: sql)
                if account.role == .systemAdmin { admin = user }
            }
            if admin == nil { admin = try await services.users.find(username: "admin", on: sql) }
            return admin
        }
        guard let admin else { throw DatabaseError.migration("demo admin missing") }
        let campaign: Campaign = try await db.transaction { sql in
            let q = try await services.questionnaires.find(code: "sipas-2017", version: 1, on: sql)!
            let campaign = try await services.campaigns.create(
                code: "LSN-VQ-2023", year: 2023,
                title: "Đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước huyện Văn Quan năm 2023",
                legalBasis: "Kế hoạch số 189/KH-UBND ngày 21/9/2023 của UBND tỉnh Lạng Sơn; Quyết định số 1431/QĐ-UBND ngày 31/8/2022 và số 1184/QĐ-UBND ngày 31/7/2023 của UBND tỉnh Lạng Sơn",
                questionnaireId: q.id, ownerUnitId: district.id,
                units: communes.map { .init(unitId: $0.id, targetPercent: 93, targetText: "trên 93%") },
                phases: [.init(phase: .plan, startsOn: "2023-09-21", endsOn: "2023-10-15"),
                         .init(phase: .sampling, startsOn: "2023-10-16", endsOn: "2023-10-31"),
                         .init(phase: .fieldwork, startsOn: "2023-11-01", endsOn: "2023-11-30"),
                         .init(phase: .entry, startsOn: "2023-12-01", endsOn: "2023-12-15"),
                         .init(phase: .analysis, startsOn: "2023-12-16", endsOn: "2024-01-15"),
                         .init(phase: .publication, startsOn: "2024-01-16", endsOn: "2024-01-31")],
                userId: admin.id, on: sql)
            try await services.record(admin, "campaign.create", entity: "campaign", id: String(campaign.id), after: "LSN-VQ-2023", detail: "demo", on: sql)
            var current = campaign
            for next in [CampaignStatus.sampling, .fieldwork, .entry] {
                try await services.campaigns.setStatus(current, to: next, userId: admin.id, on: sql)
                try await services.record(admin, "campaign.status", entity: "campaign", id: String(campaign.id), before: current.status.rawValue, after: next.rawValue, on: sql)
                current.status = next
            }
            return current
        }
        let csv = generatedResponses(units: communes)
        let summary = try await importResponses(csv, campaign: campaign, user: admin, channel: "paper", services: services)
        try await db.transaction { sql in
            try await services.campaigns.setStatus(campaign, to: .analysis, userId: admin.id, on: sql)
            try await services.record(admin, "campaign.status", entity: "campaign", id: String(campaign.id), before: "entry", after: "analysis", on: sql)
        }
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
