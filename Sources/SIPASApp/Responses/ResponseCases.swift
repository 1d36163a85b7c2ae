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

    static let column = "case"

    func join(_ records: [ResponseRepository.Record], campaign: Campaign) async throws -> [ResponseRepository.Record] {
        guard records.contains(where: { $0.attributes[Self.column] != nil }) else { return records }
        var cases: [String: SamplingRepository.CaseRow] = [:]
        let all = try await platform.read { sql in try await SamplingRepository().cases(campaignId: campaign.id, limit: Int.max / 2, offset: 0, on: sql) }
        for c in all { cases[c.code] = c }
        var problems: [AppError.Item] = []
        // Cases answered by responses stored earlier (a response sent again under its own id is the same response).
        var seen = try await answered(campaign)
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
            return joined
        }
        if !problems.isEmpty {
            throw AppError(.invalidContent, "\(problems.count) phiếu không khớp với mẫu đã rút; không phiếu nào được lưu (responses do not match the draw; nothing was stored)",
                           field: "case", items: problems, totalItems: problems.count)
        }
        return out
    }

    private func answered(_ campaign: Campaign) async throws -> [String: String] {
        try await platform.read { [platform] sql in try await platform.store.responses.answeredCases(campaignId: campaign.id, column: Self.column, on: sql) }
    }
}
