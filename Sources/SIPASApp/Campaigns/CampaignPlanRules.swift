import SIPASCore
import SIPASStore

/// The rules a campaign's plan obeys, for creating it and for editing its draft: texts, owner,
/// measured units (in scope, inside the owner, existing in the campaign's year, one code each),
/// targets, phase dates and the report's signature.
extension Campaigns {
    func clean(_ text: String, _ limit: Int, field: String, label: String, multiline: Bool = false, allowEmpty: Bool = false) throws -> String {
        do { return try TextRules.clean(text, maxLength: limit, multiline: multiline, allowEmpty: allowEmpty) } catch {
            throw AppError.text(error, field: field, label: label)
        }
    }

    func ownerUnit(_ id: Int?, for user: User) async throws -> AdminUnit? {
        guard let id else {
            if user.role.isNational { return nil }
            throw AppError.invalid("cần đơn vị chủ trì kỳ đo lường (owner_unit_id)", field: "/owner_unit_id")
        }
        guard let owner = try await platform.store.units.find(id: id) else { throw AppError.invalid("không có đơn vị \(id)", field: "/owner_unit_id") }
        try await platform.requireInScope(user, unit: owner, field: "/owner_unit_id")
        return owner
    }

    func measuredUnits(_ inputs: [MeasuredUnitInput], owner: AdminUnit?, year: Int, user: User) async throws -> [CampaignRepository.MeasuredUnit] {
        guard !inputs.isEmpty else { throw AppError.invalid("cần ít nhất một đơn vị được đo lường (no measured units)", field: "/units") }
        guard inputs.count <= Self.maxMeasuredUnits else {
            throw AppError.invalid("tối đa \(Self.maxMeasuredUnits) đơn vị trong một kỳ đo lường (too many measured units)", field: "/units")
        }
        var measured: [CampaignRepository.MeasuredUnit] = []
        var codes = Set<String>()
        for (i, u) in inputs.enumerated() {
            let field = "/units/\(i)"
            guard let unit = try await platform.store.units.find(id: u.unitId) else {
                throw AppError.invalid("không có đơn vị \(u.unitId) (unknown unit)", field: "\(field)/unit_id")
            }
            try await platform.requireInScope(user, unit: unit, field: "\(field)/unit_id")
            try await requireExists(unit, inYear: year, field: "\(field)/unit_id")
            if let owner, !owner.contains(unit) {
                throw AppError.forbidden("đơn vị \(unit.name) không thuộc đơn vị chủ trì \(owner.name) (a campaign measures units inside its owner only)", field: "\(field)/unit_id")
            }
            if measured.contains(where: { $0.unitId == u.unitId }) { throw AppError.invalid("đơn vị \(u.unitId) bị lặp", field: "\(field)/unit_id") }
            // Responses name their unit by code: two measured units with one code would be one group.
            guard codes.insert(unit.code.lowercased()).inserted else {
                throw AppError.invalid("hai đơn vị được đo có cùng mã \(unit.code) (\(unit.name)); mỗi đơn vị trong một kỳ đo lường phải có mã riêng (two measured units share a code)", field: "\(field)/unit_id")
            }
            var target: Target?
            if let percent = u.targetPercent {
                guard percent.isFinite, (0...100).contains(percent) else { throw AppError.invalid("chỉ tiêu phải từ 0 đến 100", field: "\(field)/target_percent") }
                guard let comparator = Target.Comparator(rawValue: u.targetComparator ?? ">") else {
                    throw AppError.invalid("so sánh chỉ tiêu là \">\" (trên) hoặc \">=\" (đạt)", field: "\(field)/target_comparator")
                }
                target = Target(percent: percent, comparator: comparator)
            } else if u.targetComparator != nil {
                throw AppError.invalid("có phép so sánh nhưng thiếu chỉ tiêu target_percent", field: "\(field)/target_percent")
            }
            let text = try u.targetText.map { try clean($0, Self.targetTextLimit, field: "\(field)/target_text", label: "chỉ tiêu", allowEmpty: true) }
            measured.append(.init(unitId: u.unitId, target: target, targetText: text?.isEmpty == true ? nil : text))
        }
        return measured
    }

    func phaseDates(_ inputs: [PhaseInput]) throws -> [CampaignRepository.PhaseDates] {
        var phases: [CampaignRepository.PhaseDates] = []
        for (i, p) in inputs.enumerated() {
            guard let phase = CampaignPhase(rawValue: p.phase) else {
                throw AppError.invalid("giai đoạn phải là một trong: \(CampaignPhase.allCases.map(\.rawValue).joined(separator: ", "))", field: "/phases/\(i)/phase")
            }
            let starts = try isoDate(p.startsOn, field: "/phases/\(i)/starts_on"), ends = try isoDate(p.endsOn, field: "/phases/\(i)/ends_on")
            if starts > ends { throw AppError.invalid("ngày bắt đầu sau ngày kết thúc (starts after it ends)", field: "/phases/\(i)/ends_on") }
            if phases.contains(where: { $0.phase == phase }) { throw AppError.invalid("giai đoạn \(phase.rawValue) bị lặp", field: "/phases/\(i)/phase") }
            phases.append(.init(phase: phase, startsOn: starts, endsOn: ends))
        }
        return phases
    }

    /// A calendar date in ISO form (YYYY-MM-DD) that exists (no 31 February).
    func isoDate(_ text: String, field: String) throws -> String {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1900...2200).contains(y), (1...12).contains(m),
              d >= 1, d <= Self.days(inMonth: m, year: y) else {
            throw AppError.invalid("ngày phải theo dạng YYYY-MM-DD (ISO 8601) và có thật, ví dụ 2026-11-22", field: field)
        }
        return text
    }

    static func days(inMonth m: Int, year y: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The registers are versioned: a 2026 campaign cannot measure a commune that ceased to exist
    /// on 30/06/2025. The refusal names the unit's successors, which the campaign should measure.
    func requireExists(_ unit: AdminUnit, inYear year: Int, field: String) async throws {
        guard !unit.exists(inYear: year) else { return }
        if let validTo = unit.validTo, validTo < "\(year)-01-01" {
            let successors = try await platform.store.units.successors(of: unit).map { "\($0.unit.name) (mã \($0.unit.code))" }
            let instead = successors.isEmpty ? "" : "; đơn vị kế thừa: " + successors.joined(separator: ", ")
            throw AppError.invalid("\(unit.name) (mã \(unit.code)) đã thôi tồn tại từ \(Self.vietnameseDate(validTo, dayAfter: true)), không đo lường được trong kỳ năm \(year)\(instead) (unit no longer exists in the campaign's year)", field: field)
        }
        throw AppError.invalid("\(unit.name) (mã \(unit.code)) chỉ có từ \(Self.vietnameseDate(unit.validFrom ?? "", dayAfter: false)), không đo lường được trong kỳ năm \(year) (unit does not exist yet in the campaign's year)", field: field)
    }

    /// "2025-06-30" → "01/07/2025" (the day after, when the unit ceased) or "30/06/2025".
    static func vietnameseDate(_ iso: String, dayAfter: Bool) -> String {
        let p = iso.split(separator: "-").compactMap { Int($0) }
        guard p.count == 3 else { return iso }
        var (y, m, d) = (p[0], p[1], p[2])
        if dayAfter {
            d += 1
            if d > days(inMonth: m, year: y) { d = 1; m += 1 }
            if m > 12 { m = 1; y += 1 }
        }
        return String(format: "%02d/%02d/%04d", d, m, y)
    }

    public static let signatureTextLimit = 200

    /// How the signer signs, as sent: "TM." (the default), "KT." or "" (in one's own name).
    public static func capacity(_ text: String?) throws -> ReportSignature.Capacity {
        guard let text else { return .onBehalf }
        guard let capacity = ReportSignature.Capacity(rawValue: text) else {
            throw AppError.invalid("hình thức ký là \"TM.\", \"KT.\" hoặc để trống (signer_capacity must be TM., KT. or empty)", field: "/signature/signer_capacity")
        }
        return capacity
    }

    /// The report's issuer and signer as typed: plain single lines, each optional.
    func signature(_ input: ReportSignature) throws -> ReportSignature {
        func line(_ text: String?, _ field: String, _ label: String) throws -> String? {
            let cleaned = try clean(text ?? "", Self.signatureTextLimit, field: field, label: label, allowEmpty: true)
            return cleaned.isEmpty ? nil : cleaned
        }
        return ReportSignature(issuer: try line(input.issuer, "/signature/issuer", "cơ quan ban hành"), capacity: input.capacity,
                               title: try line(input.title, "/signature/title", "chức vụ người ký"),
                               name: try line(input.name, "/signature/name", "họ tên người ký"))
    }
}
