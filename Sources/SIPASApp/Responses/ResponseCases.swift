import Foundation
import SIPASCore
import SIPASStore

/// A response that names its case (`case` column: the code printed on the questionnaire) takes
/// its design from the draw (sampling-method §8): `stratum` the first stage's stratum, `psu` the
/// area selected at the first area stage, `weight` the case's design weight; its unit must be the
/// case's. Design columns written in the file must agree with the case's.
struct ResponseCases {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }

    static let column = ResponseRepository.caseAttribute

    func join(_ records: [ResponseRepository.Record], campaign: Campaign) async throws -> [ResponseRepository.Record] {
        let codes = records.compactMap { $0.attributes[Self.column] }.filter { !$0.isEmpty }
        guard !codes.isEmpty else { return records }
        let cases = try await self.cases(campaign, codes: codes.compactMap { CaseCode($0)?.description })
        var problems: [AppError.Item] = []
        // Cases answered by responses stored earlier (a response sent again under its own id is the same response).
        var seen = try await answered(campaign, numbers: Array(cases.values.map(\.number)))
        let out = records.map { record -> ResponseRepository.Record in
            guard let text = record.attributes[Self.column], !text.isEmpty else { return record }
            func problem(_ message: String) { problems.append(AppError.Item(field: "case", message: "phiếu \(record.responseId): \(message)")) }
            guard let code = CaseCode(text) else {
                problem("mã phiếu \"\(text)\" sai chữ số kiểm tra; đọc lại mã in trên phiếu (a wrong check digit)")
                return record
            }
            guard let found = cases[code.description] else {
                problem("không có trường hợp \(code) trong mẫu của kỳ (an unknown case)")
                return record
            }
            if let refusal = Self.refusal(found) { problem(refusal) }
            if let other = seen[found.code], other != record.responseId { problem("trường hợp \(found.code) đã có phiếu \(other); mỗi trường hợp một phiếu (one response per case)") }
            seen[found.code] = record.responseId
            if let unit = record.unitId, unit != found.unitId { problem("đơn vị của phiếu khác đơn vị của trường hợp \(found.code) (the unit differs from the case's)") }
            if let stratum = record.stratum, stratum != found.firstStratum { problem("cột stratum \"\(stratum)\" khác tầng của trường hợp (\(found.firstStratum)); bỏ cột này") }
            if let weight = record.weight, abs(weight - found.designWeight) > 1e-9 * found.designWeight { problem("cột weight khác trọng số của trường hợp; bỏ cột này") }
            var joined = record
            joined.unitId = found.unitId
            joined.stratum = found.firstStratum
            joined.psu = found.psu ?? record.psu
            joined.weight = found.designWeight
            joined.attributes[Self.column] = found.code
            joined.caseNumber = found.number
            return joined
        }
        if !problems.isEmpty {
            throw AppError(.invalidContent, "\(problems.count) phiếu không khớp với mẫu đã rút; không phiếu nào được lưu (responses do not match the draw; nothing was stored)",
                           field: "case", items: problems, totalItems: problems.count)
        }
        return out
    }

    /// Why a case cannot take a questionnaire, if it cannot.
    static func refusal(_ c: FieldworkRepository.FieldCase) -> String? {
        if !c.isActive { return "trường hợp \(c.code) là dự phòng chưa được dùng thay ai; chỉ nhận phiếu của trường hợp dự phòng đã được thay thế (an unreleased reserve)" }
        switch c.disposition {
        case .replaced: return "trường hợp \(c.code) đã được thay bằng trường hợp dự phòng; phiếu của người thay thế mang mã của họ (a replaced case)"
        case .ineligible: return "trường hợp \(c.code) đã được ghi là không thuộc đối tượng khảo sát (an ineligible case)"
        default: return nil
        }
    }

    /// The named cases: looked up one by one for a few, read at once for a file.
    func cases(_ campaign: Campaign, codes: [String]) async throws -> [String: FieldworkRepository.FieldCase] {
        let store = FieldworkRepository()
        return try await platform.read { sql in
            var out: [String: FieldworkRepository.FieldCase] = [:]
            if codes.count <= 200 {
                for code in Set(codes) { out[code] = try await store.fieldCase(campaignId: campaign.id, code: code, on: sql) }
            } else {
                let wanted = Set(codes)
                for c in try await store.allCases(campaignId: campaign.id, on: sql) where wanted.contains(c.code) { out[c.code] = c }
            }
            return out
        }
    }

    /// Case code → the response stored for it, among these cases (the response's case column, indexed).
    private func answered(_ campaign: Campaign, numbers: [Int]) async throws -> [String: String] {
        try await platform.read { sql in
            let stored = try await FieldworkRepository().responsesOfCases(campaignId: campaign.id, numbers: numbers, on: sql)
            return Dictionary(stored.map { (CaseCode(number: $0.key).description, $0.value) }, uniquingKeysWith: { a, _ in a })
        }
    }
}
