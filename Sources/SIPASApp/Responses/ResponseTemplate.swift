import SIPASCore

/// What an office needs to prepare a responses file for a campaign: one column per item with
/// its question and the codes it accepts, the units the `unit` column accepts, and an example
/// row that the import accepts as it is.
public struct ResponseTemplate: Sendable {
    public struct Column: Sendable {
        public var name: String
        public var question: String
        public var accepts: String
    }

    public var campaign: Campaign
    public var columns: [Column]
    public var units: [(code: String, name: String)]
    public var example: [String]
}

extension Responses {
    public func template(campaign id: Int, by user: User?) async throws -> ResponseTemplate {
        let user = try platform.require(user, .importResponses)
        let campaign = try await platform.visibleCampaign(id, for: user)
        let questionnaire = try await platform.questionnaire(of: campaign).questionnaire
        let measured = try await platform.read { sql in try await platform.store.campaigns.units(of: campaign.id, on: sql) }
        let units = measured.map { (code: $0.unit.code, name: $0.unit.name) }
        var columns = [
            ResponseTemplate.Column(name: "response_id", question: "Số phiếu: mã riêng của từng phiếu (ví dụ số in trên phiếu)",
                                    accepts: "chữ không dấu, số và . _ -; không trùng trong kỳ"),
            ResponseTemplate.Column(name: "unit", question: "Đơn vị được đánh giá",
                                    accepts: "mã đơn vị trong danh sách đơn vị của kỳ (sheet \"Đơn vị\"), ví dụ \(units.first?.code ?? "")"),
        ]
        var example = ["VD-0001", units.first?.code ?? ""]
        for item in questionnaire.items {
            columns.append(.init(name: item.code, question: item.text, accepts: Self.accepts(item, questionnaire)))
            example.append(Self.exampleAnswer(item, questionnaire))
        }
        return ResponseTemplate(campaign: campaign, columns: columns, units: units, example: example)
    }

    static func accepts(_ item: Item, _ q: Questionnaire) -> String {
        func list(_ codes: [CodeLabel]) -> String { codes.map { "\($0.code) = \($0.label)" }.joined(separator: "; ") }
        let optional = item.required == true ? "" : " Để trống nếu không trả lời."
        switch item.type {
        case .likert:
            guard let scale = q.scale(item.scale ?? "") else { return "" }
            let na = scale.notApplicable.map { "\($0) = \(scale.notApplicableLabel ?? "không áp dụng")" }
            return ([list(scale.codes)] + na).joined(separator: "; ") + "." + optional
        case .single: return list(item.options ?? []) + "." + optional
        case .multi: return "một hoặc nhiều mã, cách nhau bằng dấu ; (ví dụ 1;3): " + list(item.options ?? []) + "." + optional
        case .number: return "một số." + optional
        case .date: return "ngày dạng YYYY-MM-DD, ví dụ 2026-05-20." + optional
        case .text: return "chữ tự do (không ghi họ tên, số điện thoại)." + optional
        }
    }

    /// An answer the import accepts: a satisfied level, the first option, a small number.
    static func exampleAnswer(_ item: Item, _ q: Questionnaire) -> String {
        switch item.type {
        case .likert:
            guard let scale = q.scale(item.scale ?? "") else { return "" }
            return String(scale.satisfied.first ?? scale.codes.last?.code ?? 0)
        case .single, .multi: return item.options?.first.map { String($0.code) } ?? ""
        case .number: return "1"
        case .date: return "2026-05-20"
        case .text: return ""
        }
    }
}
