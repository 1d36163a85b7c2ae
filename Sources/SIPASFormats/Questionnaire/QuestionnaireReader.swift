import SIPASCore
import Yams

/// Reads a questionnaire in the interchange format (YAML, or JSON, which YAML includes), checking
/// the document's shape and then every rule of the format; problems name their key path and line.
public enum QuestionnaireReader {
    public static func read(_ text: String) throws(QuestionnaireInvalid) -> Questionnaire {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw QuestionnaireInvalid([ValidationIssue(path: "", message: "tài liệu rỗng (the document is empty)")])
            }
            root = node
        } catch let error as QuestionnaireInvalid {
            throw error
        } catch {
            throw QuestionnaireInvalid([syntaxIssue(error)])
        }
        var decoder = Decoder()
        let questionnaire = decoder.questionnaire(root)
        if !decoder.issues.isEmpty { throw QuestionnaireInvalid(decoder.issues) }
        guard let questionnaire else { throw QuestionnaireInvalid(decoder.issues) }
        let ruleIssues = QuestionnaireValidator.issues(in: questionnaire).map { issue in
            var located = issue
            if let mark = decoder.marks[issue.path] ?? decoder.marks[parentPath(issue.path)] {
                located.line = mark.line
                located.column = mark.column
            }
            return located
        }
        if !ruleIssues.isEmpty { throw QuestionnaireInvalid(ruleIssues) }
        return questionnaire
    }

    static func parentPath(_ path: String) -> String {
        guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { return "" }
        return String(path[..<cut])
    }

    static func syntaxIssue(_ error: Error) -> ValidationIssue {
        if let yaml = error as? YamlError {
            switch yaml {
            case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
                return ValidationIssue(path: "", message: "lỗi cú pháp YAML/JSON: \(problem) (syntax error)", line: mark.line, column: mark.column)
            case let .duplicatedKeysInMapping(duplicates, _):
                return ValidationIssue(path: "", message: "khóa bị lặp trong cùng một bảng: \(duplicates.joined(separator: ", ")) (duplicate keys)")
            case .reader:
                return ValidationIssue(path: "", message: "tệp không phải văn bản UTF-8 hợp lệ; hãy lưu lại dưới dạng UTF-8 (not valid UTF-8)")
            default:
                break
            }
        }
        return ValidationIssue(path: "", message: "không đọc được tài liệu: \(error) (unreadable document)")
    }
}

private typealias Decoder = YAMLNodeReader

extension YAMLNodeReader {
    mutating func codeLabels(_ node: Node, _ path: String) -> [CodeLabel]? {
        guard let pairs = mapping(node, path, allowed: []) else { return nil }
        var out: [CodeLabel] = []
        for (key, value) in pairs {
            guard let code = Int(key.trimmingSpaces) else {
                fail("\(path).\(key)", value, "mã \"\(key)\" phải là số nguyên (codes are integers)")
                continue
            }
            if let label = string(value, "\(path).\(key)") { out.append(CodeLabel(code, label)) }
        }
        return out
    }

    mutating func questionnaire(_ root: Node) -> Questionnaire? {
        let keys = ["format", "id", "version", "title", "language", "source", "scales", "sections", "indices", "translations"]
        guard let pairs = mapping(root, "", allowed: keys) else { return nil }
        if let format = required(pairs, "format", "", root, { $0.string($1, $2) }), format != Questionnaire.formatIdentifier {
            fail("format", pairs.first { $0.0 == "format" }?.1, "định dạng \"\(format)\" không được hỗ trợ; cần \"\(Questionnaire.formatIdentifier)\" (unsupported format)")
        }
        let id = required(pairs, "id", "", root) { $0.string($1, $2) }
        let version = required(pairs, "version", "", root) { $0.integer($1, $2) }
        let title = required(pairs, "title", "", root) { $0.string($1, $2) }
        let language = optional(pairs, "language", "") { $0.string($1, $2) } ?? "vi"
        let source = optional(pairs, "source", "") { $0.string($1, $2) }
        let scales = required(pairs, "scales", "", root) { $0.scales($1, $2) }
        let sections = required(pairs, "sections", "", root) { $0.sections($1, $2) }
        let indices = required(pairs, "indices", "", root) { d, n, p in d.sequence(n, p).map { list in list.enumerated().compactMap { d.node($1, "\(p)[\($0)]") } } }
        let translations = optional(pairs, "translations", "") { d, n, _ in d.document(n) }
        guard let id, let version, let title, let scales, let sections, let indices else { return nil }
        return Questionnaire(id: id, version: version, title: title, language: language, source: source,
                             scales: scales, sections: sections, indices: indices, translations: translations)
    }

    mutating func scales(_ node: Node, _ path: String) -> [Scale]? {
        guard let pairs = mapping(node, path, allowed: []) else { return nil }
        var out: [Scale] = []
        for (code, value) in pairs {
            let p = "\(path).\(code)"
            guard let fields = mapping(value, p, allowed: ["codes", "satisfied", "not_applicable", "not_applicable_label"]) else { continue }
            let codes = required(fields, "codes", p, value) { $0.codeLabels($1, $2) }
            let satisfied = required(fields, "satisfied", p, value) { $0.integers($1, $2) }
            let na = optional(fields, "not_applicable", p) { $0.integers($1, $2) } ?? []
            let naLabel = optional(fields, "not_applicable_label", p) { $0.string($1, $2) }
            if let codes, let satisfied {
                out.append(Scale(code: code, codes: codes, satisfied: satisfied, notApplicable: na, notApplicableLabel: naLabel))
            }
        }
        return out
    }

    mutating func sections(_ node: Node, _ path: String) -> [Section]? {
        guard let list = sequence(node, path) else { return nil }
        var out: [Section] = []
        for (s, element) in list.enumerated() {
            let p = "\(path)[\(s)]"
            guard let fields = mapping(element, p, allowed: ["code", "title", "items"]) else { continue }
            let code = required(fields, "code", p, element) { $0.string($1, $2) }
            let title = required(fields, "title", p, element) { $0.string($1, $2) }
            let items = required(fields, "items", p, element) { d, n, ip in
                d.sequence(n, ip).map { list in list.enumerated().compactMap { d.item($1, "\(ip)[\($0)]") } }
            }
            if let code, let title, let items { out.append(Section(code: code, title: title, items: items)) }
        }
        return out
    }

    mutating func item(_ node: Node, _ path: String) -> Item? {
        guard let fields = mapping(node, path, allowed: ["code", "type", "text", "scale", "options", "required", "relevant"]) else { return nil }
        let code = required(fields, "code", path, node) { $0.string($1, $2) }
        let typeName = required(fields, "type", path, node) { $0.string($1, $2) }
        let text = required(fields, "text", path, node) { $0.string($1, $2) }
        let scale = optional(fields, "scale", path) { $0.string($1, $2) }
        let options = optional(fields, "options", path) { $0.codeLabels($1, $2) }
        let required = optional(fields, "required", path) { $0.boolean($1, $2) }
        let relevant = optional(fields, "relevant", path) { $0.string($1, $2) }
        var type: ItemType?
        if let typeName {
            type = ItemType(rawValue: typeName)
            if type == nil {
                fail("\(path).type", fields.first { $0.0 == "type" }?.1,
                     "kiểu \"\(typeName)\" không hợp lệ; dùng một trong: \(ItemType.allCases.map(\.rawValue).joined(separator: ", ")) (unknown item type)")
            }
        }
        guard let code, let type, let text else { return nil }
        return Item(code: code, type: type, text: text, scale: scale, options: options, required: required, relevant: relevant)
    }

    mutating func node(_ node: Node, _ path: String) -> IndexNode? {
        guard let fields = mapping(node, path, allowed: ["code", "title", "rule", "weights", "children"]) else { return nil }
        let code = required(fields, "code", path, node) { $0.string($1, $2) }
        let title = required(fields, "title", path, node) { $0.string($1, $2) }
        let ruleName = optional(fields, "rule", path) { $0.string($1, $2) } ?? "mean"
        let rule = AggregationRule(rawValue: ruleName)
        if rule == nil {
            fail("\(path).rule", fields.first { $0.0 == "rule" }?.1, "quy tắc \"\(ruleName)\" không hợp lệ; dùng mean hoặc weighted (unknown rule)")
        }
        let weights = optional(fields, "weights", path) { d, n, p in
            d.sequence(n, p).map { list in list.enumerated().compactMap { d.number($1, "\(p)[\($0)]") } }
        }
        let children = required(fields, "children", path, node) { d, n, p -> [IndexChild]? in
            guard let list = d.sequence(n, p) else { return nil }
            var out: [IndexChild] = []
            for (c, child) in list.enumerated() {
                let cp = "\(p)[\(c)]"
                if case let .scalar(s) = child {
                    out.append(.reference(s.string))
                } else if let inner = d.node(child, cp) {
                    out.append(.node(inner))
                }
            }
            return out
        }
        guard let code, let title, let rule, let children else { return nil }
        return IndexNode(code: code, title: title, rule: rule, weights: weights, children: children)
    }

    /// Verbatim copy of a subtree (for `translations`). Scalars stay text unless clearly typed.
    func document(_ node: Node) -> DocumentValue {
        switch node {
        case let .scalar(s):
            if s.style == .plain {
                if let i = Int(s.string) { return .integer(i) }
                if s.string == "true" { return .boolean(true) }
                if s.string == "false" { return .boolean(false) }
                if ["", "~", "null"].contains(s.string) { return .null }
                if let d = Double(s.string), d.isFinite, s.string.contains(".") { return .number(d) }
            }
            return .string(s.string)
        case let .sequence(seq):
            return .list(seq.map(document))
        case let .mapping(map):
            return .map(map.map { (key: $0.key.scalar?.string ?? "", value: document($0.value)) })
        case .alias:
            return .null
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
