import Foundation
import SIPASApp
import SIPASCore
import SIPASStore

/// One questionnaire version as an official reads it: scales, items and aggregation trees.
struct QuestionnairePage: Sendable {
    struct ItemLine: Sendable {
        var code: String
        var type: String
        var text: String
        var answers: String
        var relevant: String?
        var required: Bool
    }

    struct SectionBlock: Sendable {
        var code: String
        var title: String
        var items: [ItemLine]
    }

    struct ScaleLine: Sendable {
        var code: String
        var codes: String
        var satisfied: String
    }

    struct NodeLine: Sendable {
        var code: String
        var title: String
        var depthClass: String
        var rule: String
    }

    var chrome: Chrome
    var code: String
    var version: Int
    var title: String
    var source: String?
    var builtin: Bool
    var mayVersion: Bool
    var scales: [ScaleLine]
    var sections: [SectionBlock]
    var nodes: [NodeLine]
    var itemCount: Int

    static let typeLabels: [ItemType: String] = [
        .single: "một lựa chọn", .multi: "nhiều lựa chọn", .likert: "thang điểm", .number: "số", .text: "trả lời tự do", .date: "ngày",
    ]

    init(_ stored: QuestionnaireRepository.Stored, user: User, csrf: String?) {
        let q = stored.questionnaire
        chrome = Chrome(title: "\(q.title) (phiên bản \(q.version))", user: user, csrf: csrf, section: "questionnaires")
        code = q.id
        version = q.version
        title = q.title
        source = q.source
        builtin = stored.builtin
        mayVersion = AccessPolicy.allows(user.role, .manageQuestionnaires)
        scales = q.scales.map { s in
            ScaleLine(code: s.code, codes: s.codes.map { "\($0.code) = \($0.label)" }.joined(separator: "; ")
                        + (s.notApplicable.isEmpty ? "" : "; \(s.notApplicable.map(String.init).joined(separator: ", ")) = \(s.notApplicableLabel ?? "không áp dụng")"),
                      satisfied: s.satisfied.map(String.init).joined(separator: ", "))
        }
        sections = q.sections.map { section in
            SectionBlock(code: section.code, title: section.title, items: section.items.map { item in
                let answers: String
                switch item.type {
                case .likert: answers = "thang \(item.scale ?? "")"
                case .single, .multi: answers = (item.options ?? []).map { "\($0.code) = \($0.label)" }.joined(separator: "; ")
                default: answers = ""
                }
                return ItemLine(code: item.code, type: Self.typeLabels[item.type] ?? item.type.rawValue, text: item.text, answers: answers,
                                relevant: item.relevant, required: item.required ?? false)
            })
        }
        var lines: [NodeLine] = []
        func walk(_ child: IndexChild, depth: Int) {
            switch child {
            case let .node(node):
                let rule = node.rule == .weighted ? "bình quân có trọng số \((node.weights ?? []).map { DecimalText.vietnamese($0) }.joined(separator: "; "))" : "bình quân"
                lines.append(NodeLine(code: node.code, title: node.title, depthClass: "depth-\(min(depth, 4))", rule: rule))
                node.children.forEach { walk($0, depth: depth + 1) }
            case let .reference(code):
                lines.append(NodeLine(code: code, title: q.item(code)?.text ?? q.indices.first { $0.code == code }?.title ?? code,
                                      depthClass: "depth-\(min(depth, 4))", rule: q.item(code) == nil ? "chỉ tiêu" : "tiêu chí"))
            }
        }
        q.indices.forEach { walk(.node($0), depth: 0) }
        nodes = lines
        itemCount = q.items.count
    }
}

/// The form exactly as a respondent sees it. Without JavaScript, "Cập nhật" sends the answers
/// back and the server applies every `relevant` condition: the questions a condition skips are
/// shown as skipped, with the condition, as the online form and the tablets apply them.
struct QuestionnairePreviewPage: Sendable {
    struct Choice: Sendable {
        var name: String
        var value: String
        var label: String
        var id: String
        var checked: Bool
    }

    struct Question: Sendable {
        var code: String
        var number: Int
        var text: String
        var required: Bool
        var skipped: Bool
        var condition: String?
        var radios: [Choice]
        var checkboxes: [Choice]
        var isNumber: Bool
        var isDate: Bool
        var isText: Bool
        var inputName: String
        var inputId: String
        var value: String
    }

    struct SectionBlock: Sendable {
        var title: String
        var questions: [Question]
    }

    var chrome: Chrome
    var code: String
    var version: Int
    var title: String
    var sections: [SectionBlock]
    var skippedCount: Int

    init(_ q: Questionnaire, answers: [(String, String)], user: User, csrf: String?) {
        chrome = Chrome(title: "Xem trước: \(q.title)", user: user, csrf: csrf, section: "questionnaires")
        code = q.id
        version = q.version
        title = q.title
        var given: [String: [String]] = [:]
        for (code, value) in answers where !value.isEmpty { given[code, default: []].append(value) }
        func number(_ code: String) -> Double? {
            guard let item = q.item(code), let first = given[code]?.first else { return nil }
            switch item.type {
            case .single, .likert, .number: return Double(first.replacingOccurrences(of: ",", with: "."))
            default: return 1
            }
        }
        var n = 0, skipped = 0
        sections = q.sections.map { section in
            SectionBlock(title: section.title, questions: section.items.map { item in
                n += 1
                let holds = item.relevant.flatMap { try? RelevanceParser.parse($0) }.map { $0.evaluate(number) } ?? true
                if !holds { skipped += 1 }
                let name = "a.\(item.code)", id = "q-\(n)"
                let values = given[item.code] ?? []
                func choices(_ options: [CodeLabel]) -> [Choice] {
                    options.enumerated().map { k, o in
                        Choice(name: name, value: String(o.code), label: o.label, id: "\(id)-\(k)", checked: values.contains(String(o.code)))
                    }
                }
                var options: [CodeLabel] = []
                if item.type == .likert, let scale = q.scale(item.scale ?? "") {
                    options = scale.codes + scale.notApplicable.map { CodeLabel($0, scale.notApplicableLabel ?? "Không áp dụng") }
                } else if item.type == .single || item.type == .multi {
                    options = item.options ?? []
                }
                return Question(code: item.code, number: n, text: item.text, required: item.required ?? false, skipped: !holds,
                                condition: item.relevant, radios: item.type == .multi ? [] : choices(options),
                                checkboxes: item.type == .multi ? choices(options) : [],
                                isNumber: item.type == .number, isDate: item.type == .date, isText: item.type == .text,
                                inputName: name, inputId: id, value: values.first ?? "")
            })
        }
        skippedCount = skipped
    }
}
