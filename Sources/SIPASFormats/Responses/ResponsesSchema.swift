import SIPASCore

/// What reading responses needs from a questionnaire — the compiled index tree, the relevance
/// conditions, the allowed codes of every item — built once and shared by readers. A server
/// reads one tiny file per submission; rebuilding these each time cost more than the read.
public final class ResponsesSchema: Sendable {
    public let questionnaire: Questionnaire
    public let evaluator: ResponseEvaluator
    let itemIndex: [String: Int]
    let itemRoles: [ColumnRole]
    /// For a derived questionnaire (`WishesPlan`): per multiple-choice item, option code → the
    /// item that records whether it was chosen. Stored answers fill those items when decoded.
    let multiOptions: [Int: [Int: Int]]

    public init(_ questionnaire: Questionnaire, multiOptions: [Int: [Int: Int]] = [:]) {
        self.questionnaire = questionnaire
        self.multiOptions = multiOptions
        evaluator = ResponseEvaluator(questionnaire: questionnaire, plan: IndexPlan(questionnaire))
        var index: [String: Int] = [:]
        for (i, item) in questionnaire.items.enumerated() where index[item.code] == nil { index[item.code] = i }
        itemIndex = index
        itemRoles = questionnaire.items.indices.map { ColumnRole(item: $0, questionnaire: questionnaire) }
    }

    /// The role of a header name: a design column, an item, or an attribute.
    func role(of name: String) -> ColumnRole {
        switch name {
        case "response_id": return .responseId
        case "stratum": return .stratum
        case "psu": return .psu
        case "weight": return .weight
        default: return itemIndex[name].map { itemRoles[$0] } ?? .attribute
        }
    }
}
