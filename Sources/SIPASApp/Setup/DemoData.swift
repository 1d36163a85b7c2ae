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
        ("giamsat.buudien", "Giám sát Bưu cục Văn Quan (demo)", .fieldSupervisor, "province:20"),
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
            try await createAccounts(platform)
            try await DemoFieldwork.seed(platform)
            return Summary(campaignId: existing.id, responses: try await platform.read { try await store.responses.count(campaignId: existing.id, on: $0) },
                           created: false)
        }
        guard let district = try await store.units.find(register: .legacy, level: .district, code: "184") else {
            throw DatabaseError.migration("danh mục đơn vị chưa được nạp (unit registers missing)")
        }
        let communes = try await store.units.children(of: district)
        try await createAccounts(platform)
        guard let admin = try await platform.accounts.find(username: "admin") else { throw DatabaseError.migration("demo admin missing") }
        let earlier = try await seedCampaign(platform, admin: admin, code: campaignCode, year: 2023, owner: district, units: communes,
                                             title: "Đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước huyện Văn Quan năm 2023",
                                             legalBasis: "Kế hoạch số 189/KH-UBND ngày 21/9/2023 của UBND tỉnh Lạng Sơn; Quyết định số 1431/QĐ-UBND ngày 31/8/2022 và số 1184/QĐ-UBND ngày 31/7/2023 của UBND tỉnh Lạng Sơn",
                                             targets: targets2023, satisfaction: 0.80...0.95)
        // After 1 July 2025 the district is gone: the province measures the communes that succeeded Văn Quan's.
        if let province = try await store.units.find(register: .reform2025, level: .province, code: "20") {
            var successors: [AdminUnit] = []
            for commune in communes {
                let next = try await store.units.successors(of: commune)
                if let unit = (next.first { $0.isDefault } ?? next.first)?.unit, !successors.contains(where: { $0.id == unit.id }) {
                    successors.append(unit)
                }
            }
            _ = try await seedCampaign(platform, admin: admin, code: laterCampaignCode, year: 2025, owner: province,
                                       units: successors.sorted { $0.code < $1.code },
                                       title: "Đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước các xã thuộc huyện Văn Quan cũ năm 2025",
                                       legalBasis: "Kế hoạch đo lường năm 2025 của UBND tỉnh Lạng Sơn (dữ liệu mẫu)",
                                       targets: targets2025, satisfaction: 0.83...0.96)
        }
        try await DemoFieldwork.seed(platform)
        return Summary(campaignId: earlier.id, responses: earlier.responses, created: true)
    }

    /// One account per role (those missing: a database seeded by an earlier version gains the new roles').
    static func createAccounts(_ platform: Platform) async throws {
        let store = platform.store
        for account in accounts where try await platform.accounts.find(username: account.username) == nil {
            var scope: Int?
            if let key = account.scopeCode {
                let parts = key.split(separator: ":").map(String.init)
                scope = try await UnitLevel(rawValue: parts[0]).asyncMap { try await store.units.find(register: .legacy, level: $0, code: parts[1])?.id } ?? nil
            }
            _ = try await platform.accounts.create(.init(username: account.username, displayName: account.name, password: password,
                                                         role: account.role.rawValue, scopeUnitId: scope), by: nil, operator: true)
        }
    }

    public static let laterCampaignCode = "LSN-VQ-2025"
    /// Targets as the seeds word them: "trên 93%" (above), "đạt 90%" (at least).
    static let targets2023: [(Double, String)] = [(85, ">"), (88, ">="), (90, ">"), (85, ">="), (92, ">")]
    static let targets2025: [(Double, String)] = [(90, ">"), (92, ">="), (93, ">")]

    private static func seedCampaign(_ platform: Platform, admin: User, code: String, year: Int, owner: AdminUnit, units: [AdminUnit],
                                     title: String, legalBasis: String, targets: [(Double, String)],
                                     satisfaction: ClosedRange<Double>) async throws -> (id: Int, responses: Int) {
        func month(_ m: Int, _ d: Int) -> String { String(format: "%04d-%02d-%02d", year + (m > 12 ? 1 : 0), m > 12 ? m - 12 : m, d) }
        let measured = units.enumerated().map { i, unit -> Campaigns.MeasuredUnitInput in
            let (percent, comparator) = targets[i % targets.count]
            return .init(unitId: unit.id, targetPercent: percent, targetComparator: comparator,
                         targetText: "\(comparator == ">" ? "trên" : "đạt") \(Int(percent))%")
        }
        let campaign = try await platform.campaigns.create(.init(
            code: code, year: year, title: title, legalBasis: legalBasis, questionnaireCode: "sipas-2017", questionnaireVersion: 1,
            ownerUnitId: owner.id, units: measured,
            phases: [.init(phase: "plan", startsOn: month(9, 21), endsOn: month(10, 15)),
                     .init(phase: "sampling", startsOn: month(10, 16), endsOn: month(10, 31)),
                     .init(phase: "fieldwork", startsOn: month(11, 1), endsOn: month(11, 30)),
                     .init(phase: "entry", startsOn: month(12, 1), endsOn: month(12, 15)),
                     .init(phase: "analysis", startsOn: month(12, 16), endsOn: month(13, 15)),
                     .init(phase: "publication", startsOn: month(13, 16), endsOn: month(13, 31))]), by: admin)
        for next in ["sampling", "fieldwork", "entry"] { _ = try await platform.campaigns.setStatus(campaign.id, to: next, by: admin) }
        let summary = try await platform.responses.importCSV(.bytes(generatedResponses(units: units, seed: UInt64(year), satisfaction: satisfaction)),
                                                             campaign: campaign.id, by: admin)
        _ = try await platform.campaigns.setStatus(campaign.id, to: "analysis", by: admin)
        return (campaign.id, summary.added)
    }

    /// 120 generated questionnaires per commune (strata = communes, PSUs = villages), unit codes.
    static func generatedResponses(units: [AdminUnit], seed: UInt64 = 2023, satisfaction: ClosedRange<Double> = 0.80...0.95) -> [UInt8] {
        var generator = SyntheticResponses(questionnaire: BuiltinQuestionnaires.load(id: "sipas-2017")!, rows: 120 * units.count,
                                           units: units.count, design: .strataPsu, seed: seed, satisfaction: satisfaction, lonelyPsus: false)
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
