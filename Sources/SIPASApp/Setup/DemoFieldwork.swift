import Foundation
import SIPASCore
import SIPASFormats
import SIPASStore

/// The demo's campaign in fieldwork (`LSN-VQ-2026`): the communes that succeeded Văn Quan's,
/// a one-stop-shop frame drawn per commune with reserves, two post offices with a supervisor and
/// enumerators each (demo accounts), cases assigned, dispositions of every kind, a replacement, a
/// re-check in progress and questionnaires back — so that a newcomer sees every screen with data.
/// Made through the same use cases as a person's requests; idempotent.
enum DemoFieldwork {
    static let campaignCode = "LSN-VQ-2026"
    static let offices: [(name: String, supervisor: String?, enumerators: [(String, String)])] = [
        ("Bưu điện tỉnh Lạng Sơn — Bưu cục Văn Quan", "giamsat.buudien", [("dtv.an", "Hoàng Văn An"), ("dtv.binh", "Lộc Thị Bình")]),
        ("Bưu điện tỉnh Lạng Sơn — Bưu cục Điềm He", "giamsat.diemhe", [("dtv.cuong", "Nông Văn Cường"), ("dtv.dung", "Vi Thị Dung")]),
    ]
    static let design = """
        key: ma_ho_so
        stages:
          - name: person
            strata: [ma_don_vi]
            size: {rule: fixed, count: 12}
            reserves: {count: 4}

        """

    static func seed(_ platform: Platform) async throws {
        let store = platform.store
        if try await platform.read({ try await store.campaigns.find(code: campaignCode, on: $0) }) != nil { return }
        guard let admin = try await platform.accounts.find(username: "admin"),
              let province = try await store.units.find(register: .reform2025, level: .province, code: "20"),
              let district = try await store.units.find(register: .legacy, level: .district, code: "184") else { return }
        var communes: [AdminUnit] = []
        for commune in try await store.units.children(of: district) {
            let next = try await store.units.successors(of: commune)
            if let unit = (next.first { $0.isDefault } ?? next.first)?.unit, !communes.contains(where: { $0.id == unit.id }) { communes.append(unit) }
        }
        communes.sort { $0.code < $1.code }
        let campaign = try await platform.campaigns.create(.init(
            code: campaignCode, year: 2026,
            title: "Đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước các xã thuộc huyện Văn Quan cũ năm 2026",
            legalBasis: "Kế hoạch đo lường năm 2026 của UBND tỉnh Lạng Sơn (dữ liệu mẫu)", questionnaireCode: "sipas-2023", questionnaireVersion: 1,
            ownerUnitId: province.id, units: communes.map { .init(unitId: $0.id) },
            phases: [.init(phase: "sampling", startsOn: "2026-10-01", endsOn: "2026-10-15"), .init(phase: "fieldwork", startsOn: "2026-10-16", endsOn: "2026-11-30"),
                     .init(phase: "entry", startsOn: "2026-12-01", endsOn: "2026-12-20")]), by: admin)
        let id = campaign.id
        _ = try await platform.campaigns.setStatus(id, to: "sampling", by: admin)
        let upload = try await platform.samplingFrames.upload(campaign: id, fileName: "danh-sach-ho-so-mot-cua-2026.csv", bytes: frame(communes), by: admin)
        let imported = try await platform.samplingFrames.importFrame(campaign: id, .init(uploadId: upload.uploadId, mapping: [
            "key": "Số hồ sơ", "unit": "Mã xã", "name": "Họ và tên", "phone": "Điện thoại", "address": "Địa chỉ", "service": "Lĩnh vực",
            "completed_on": "Ngày trả kết quả",
        ]), by: admin)
        if !imported.duplicates.isEmpty { _ = try await platform.samplingFrames.fix(campaign: id, rule: "last", seed: nil, by: admin) }
        _ = try await platform.samplingDesigns.save(campaign: id, document: design, areas: nil, by: admin)
        _ = try await platform.samplingDraws.draw(campaign: id, seed: "LSN-VQ-2026 rút mẫu ngày 10/10/2026", reason: nil, by: admin)

        var enumerators: [User] = []
        for office in offices {
            let created = try await platform.postOffices.create(name: office.name, provinceUnitId: province.id, by: admin)
            if let name = office.supervisor {
                if let existing = try await platform.accounts.find(username: name) {
                    try await platform.postOffices.attach(existing, postOffice: created.id, by: admin)
                } else {
                    _ = try await platform.postOffices.addMember(.init(username: name, displayName: "Giám sát \(office.name) (demo)", password: DemoData.password,
                                                                       role: Role.fieldSupervisor.rawValue, scopeUnitId: nil), postOffice: created.id, by: admin)
                }
            }
            for (username, name) in office.enumerators where try await platform.accounts.find(username: username) == nil {
                enumerators.append(try await platform.postOffices.addMember(.init(username: username, displayName: "\(name) (demo)", password: DemoData.password,
                                                                                  role: Role.enumerator.rawValue, scopeUnitId: nil), postOffice: created.id, by: admin))
            }
        }
        let preview = try await platform.assignments.preview(campaign: id, by: admin)
        for (unitId, enumerator) in preview.suggestion {
            _ = try await platform.assignments.assign(campaign: id, unitIds: [unitId], to: enumerator.id, by: admin)
        }
        _ = try await platform.campaigns.setStatus(id, to: "fieldwork", by: admin)
        try await fieldwork(platform, campaign: id, admin: admin, enumerators: enumerators)
    }

    /// Every disposition, one replacement, questionnaires back for most collected cases, a re-check under way.
    private static func fieldwork(_ platform: Platform, campaign id: Int, admin: User, enumerators: [User]) async throws {
        var random = SplitMix64(seed: 2026)
        let cases = try await platform.fieldworkCases.list(campaign: id, withContacts: false, by: admin).map(\.fieldCase)
        var collected: [FieldworkRepository.FieldCase] = []
        var replaced = false
        // A refusal whose questionnaire came back by post all the same: the administrator is asked to check it.
        var returnedAfterRefusal: FieldworkRepository.FieldCase?
        for (i, c) in cases.enumerated() {
            let holder = enumerators.first { $0.id == c.enumeratorId } ?? admin
            func record(_ d: Disposition, _ day: Int) async throws {
                _ = try await platform.dispositions.record(.init(code: c.code, disposition: d.rawValue, date: String(format: "%02d/11/2026", day)), campaign: id, by: holder)
            }
            let roll = Int(random.next() % 100)
            if roll < 8 { continue }  // still only assigned
            if roll < 14 { try await record(.delivered, 3 + i % 20); continue }
            if roll < 18 {
                try await record(.refused, 4 + i % 20)
                if !replaced { _ = try await platform.dispositions.replace(code: c.code, campaign: id, by: admin); replaced = true }
                else if returnedAfterRefusal == nil { returnedAfterRefusal = c }
                continue
            }
            if roll < 20 { try await record(.notFound, 5 + i % 20); continue }
            if roll < 21 { try await record(.moved, 5 + i % 20); continue }
            if roll < 22 { try await record(.ineligible, 6 + i % 20); continue }
            try await record(.delivered, 2 + i % 15)
            try await record(.collected, 10 + i % 15)
            collected.append(c)
        }
        // Most returned questionnaires are keyed; the rest wait for entry.
        let questionnaire = try await platform.questionnaire(of: try await platform.campaigns.campaign(id, by: admin))
        let q = questionnaire.questionnaire
        let likert = q.items.filter { $0.type == .likert }
        var lines = ["response_id,case," + likert.map(\.code).joined(separator: ",")]
        for (n, c) in collected.enumerated() where n % 5 != 0 {
            // Mostly satisfied, as the seeds' surveys found.
            let answers = likert.map { item -> String in
                guard let scale = q.scale(item.scale ?? "") else { return "" }
                let pool = random.next() % 100 < 88 ? scale.satisfied : scale.codes.map(\.code).filter { !scale.satisfied.contains($0) && !scale.notApplicable.contains($0) }
                return pool.isEmpty ? "" : String(pool[Int(random.next() % UInt64(pool.count))])
            }
            lines.append("PG-2026-\(String(format: "%04d", n + 1)),\(c.code)," + answers.joined(separator: ","))
        }
        if let c = returnedAfterRefusal {
            lines.append("PG-2026-BD01,\(c.code)," + likert.map { q.scale($0.scale ?? "")?.satisfied.first.map(String.init) ?? "" }.joined(separator: ","))
        }
        _ = try await platform.responses.importCSV(.bytes(Array((lines.joined(separator: "\n") + "\n").utf8)), campaign: id, by: admin)
        try await keying(platform, campaign: id, admin: admin, forms: collected.enumerated().filter { $0.offset % 5 == 0 }.map(\.element), likert: likert, q: q)
        _ = try await platform.rechecks.select(campaign: id, by: admin)
        let selected = try await platform.rechecks.overview(campaign: id, by: admin).cases.map(\.fieldCase.code)
        for (n, code) in selected.enumerated() where n < 3 {
            try await platform.rechecks.record(campaign: id, code: code, outcome: n == 1 ? "not_confirmed" : "confirmed",
                                               note: n == 1 ? "Người dân nói phiếu do người nhà điền (dữ liệu mẫu)" : nil, by: admin)
        }
    }

    /// The returned paper forms not yet stored: some keyed once, some twice (one with a difference awaiting a decision).
    private static func keying(_ platform: Platform, campaign id: Int, admin: User, forms: [FieldworkRepository.FieldCase], likert: [Item], q: Questionnaire) async throws {
        guard let first = try await platform.accounts.find(username: "nhaplieu.langson"), let province = first.scopeUnitId else { return }
        var second = try await platform.accounts.find(username: "nhaplieu2.langson")
        if second == nil {
            second = try await platform.accounts.create(.init(username: "nhaplieu2.langson", displayName: "Nhập liệu 2 Sở Nội vụ Lạng Sơn (demo)", password: DemoData.password,
                                                              role: Role.dataEntryClerk.rawValue, scopeUnitId: province), by: admin)
        }
        let schema = ResponsesSchema(q)
        // A clerk leaves blank what the form's skips did not ask.
        func asked(_ answers: [String: String]) -> [String: String] {
            var answers = answers
            while case let skipped = ResponseCheck(schema: schema).check(answers).irrelevant, !skipped.isEmpty { for item in skipped { answers[item] = nil } }
            return answers
        }
        for (n, c) in forms.enumerated() {
            var answers: [String: String] = [:]
            for (k, item) in likert.enumerated() {
                guard let scale = q.scale(item.scale ?? "") else { continue }
                answers[item.code] = String(scale.satisfied[(n + k) % scale.satisfied.count])
            }
            answers = asked(answers)
            _ = try await platform.doubleEntry.key(campaign: id, code: c.code, answers: answers, by: first)
            guard n % 3 != 0 else { continue }
            var again = answers
            if n % 3 == 2, let item = likert.first, let scale = q.scale(item.scale ?? ""), let other = scale.codes.map(\.code).first(where: { String($0) != answers[item.code] }) {
                again[item.code] = String(other)
            }
            _ = try await platform.doubleEntry.key(campaign: id, code: c.code, answers: again, by: second!)
        }
    }

    /// 40 dossiers per commune with made-up people, as a one-stop-shop list exports them.
    static func frame(_ communes: [AdminUnit]) -> [UInt8] {
        let family = ["Hoàng", "Nông", "Lộc", "Vi", "Lương", "Triệu", "Hà", "Lăng"], given = ["Văn Minh", "Thị Hoa", "Văn Hải", "Thị Lan", "Văn Tùng", "Thị Mai", "Văn Đức", "Thị Hằng"]
        let fields = ["Tư pháp - Hộ tịch", "Đất đai", "Chứng thực", "Lao động - Thương binh và Xã hội", "Xây dựng"]
        var lines = ["Số hồ sơ,Mã xã,Họ và tên,Điện thoại,Địa chỉ,Lĩnh vực,Ngày trả kết quả"]
        for (u, unit) in communes.enumerated() {
            for i in 0..<40 {
                let n = u * 40 + i
                lines.append("000.00.\(String(format: "%02d", u + 10)).H37-2026\(String(format: "%04d", n)),\(unit.code),\(family[n % 8]) \(given[(n / 8) % 8]),09\(String(format: "%08d", 12_340_000 + n * 7)),\"Thôn Nà \(i % 6 + 1), \(unit.name)\",\(fields[n % 5]),\(String(format: "%02d", 1 + n % 28))/0\(1 + n % 9)/2026")
            }
        }
        return Array(lines.joined(separator: "\n").utf8) + [10]
    }
}
