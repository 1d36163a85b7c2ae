/// Checks every rule of the `sipas-questionnaire/1` format that a well-typed model can still break.
/// Messages are Vietnamese first, English in parentheses, and name the offending key path.
public enum QuestionnaireValidator {
    public static func issues(in q: Questionnaire) -> [ValidationIssue] {
        var v = Run(q)
        v.checkHeader()
        v.checkScales()
        v.checkItems()
        v.checkIndices()
        return v.issues
    }

    public static func validate(_ q: Questionnaire) throws(QuestionnaireInvalid) {
        let found = issues(in: q)
        if !found.isEmpty { throw QuestionnaireInvalid(found) }
    }

    static func isCode(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "_" || $0 == "." }
    }

    static func isQuestionnaireId(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" }
    }

    private struct Run {
        let q: Questionnaire
        var issues: [ValidationIssue] = []
        /// code -> key path of its first definition, across items and index nodes.
        var definitions: [String: String] = [:]
        var itemsByCode: [String: Item] = [:]
        var nodesByCode: [String: (node: IndexNode, path: String)] = [:]

        init(_ q: Questionnaire) { self.q = q }

        mutating func fail(_ path: String, _ message: String) {
            issues.append(ValidationIssue(path: path, message: message))
        }

        mutating func checkHeader() {
            if !isQuestionnaireId(q.id) {
                fail("id", "mã bảng hỏi \"\(q.id)\" chỉ được gồm chữ thường a-z, chữ số và dấu \"-\" (id must match [a-z0-9-]+)")
            }
            if q.version < 1 { fail("version", "phiên bản phải là số nguyên dương (version must be a positive integer)") }
            if q.title.trimmed.isEmpty { fail("title", "thiếu tiêu đề (title is empty)") }
            if q.language.trimmed.isEmpty { fail("language", "thiếu ngôn ngữ (language is empty)") }
        }

        mutating func checkScales() {
            var seen = Set<String>()
            for scale in q.scales {
                let path = "scales.\(scale.code)"
                if !seen.insert(scale.code).inserted { fail(path, "thang đo bị khai báo hai lần (duplicate scale)") }
                if scale.codes.isEmpty { fail("\(path).codes", "thang đo không có mã nào (scale has no codes)") }
                var codeSet = Set<Int>()
                for c in scale.codes where !codeSet.insert(c.code).inserted {
                    fail("\(path).codes.\(c.code)", "mã \(c.code) bị lặp (duplicate code)")
                }
                if scale.satisfied.isEmpty { fail("\(path).satisfied", "cần ít nhất một mã \"hài lòng\" (satisfied must list at least one code)") }
                for (i, s) in scale.satisfied.enumerated() where !codeSet.contains(s) {
                    fail("\(path).satisfied[\(i)]", "mã \(s) không có trong codes (satisfied code \(s) is not one of the scale's codes)")
                }
                for (i, s) in scale.notApplicable.enumerated() where codeSet.contains(s) {
                    fail("\(path).not_applicable[\(i)]", "mã \(s) đã là một mức đánh giá, không thể đồng thời là \"không áp dụng\" (not-applicable code \(s) is also a rated code)")
                }
            }
        }

        mutating func define(_ code: String, at path: String) {
            if let first = definitions[code] {
                fail(path, "mã \"\(code)\" bị trùng với \(first) (duplicate code; codes are unique across items and index nodes)")
            } else {
                definitions[code] = path
            }
        }

        mutating func checkItems() {
            var sectionCodes = Set<String>()
            for (s, section) in q.sections.enumerated() {
                if !sectionCodes.insert(section.code).inserted {
                    fail("sections[\(s)].code", "phần \"\(section.code)\" bị trùng (duplicate section code)")
                }
                for (i, item) in section.items.enumerated() {
                    let path = "sections[\(s)].items[\(i)]"
                    checkItemCode(item.code, path: path)
                    define(item.code, at: path)
                    if itemsByCode[item.code] == nil { itemsByCode[item.code] = item }
                    checkItemShape(item, path: path)
                }
            }
            var position: [String: Int] = [:]
            for (k, item) in q.items.enumerated() where position[item.code] == nil { position[item.code] = k }
            var k = 0
            for (s, section) in q.sections.enumerated() {
                for (i, item) in section.items.enumerated() {
                    if let relevant = item.relevant {
                        checkRelevant(relevant, path: "sections[\(s)].items[\(i)].relevant", item: item.code, at: k, positions: position)
                    }
                    k += 1
                }
            }
        }

        mutating func checkItemCode(_ code: String, path: String) {
            if !isCode(code) {
                fail("\(path).code", "mã \"\(code)\" chỉ được gồm chữ in hoa A-Z, chữ số, \"_\" và \".\" (code must match [A-Z0-9_.]+)")
            } else if !code.unicodeScalars.contains(where: { $0 >= "A" && $0 <= "Z" }) {
                fail("\(path).code", "mã câu hỏi \"\(code)\" phải có ít nhất một chữ cái (item codes contain at least one letter)")
            }
        }

        mutating func checkItemShape(_ item: Item, path: String) {
            switch item.type {
            case .likert:
                if let scale = item.scale {
                    if q.scale(scale) == nil { fail("\(path).scale", "không có thang đo \"\(scale)\" (unknown scale \"\(scale)\")") }
                } else {
                    fail("\(path).scale", "câu hỏi likert cần khai báo thang đo (a likert item needs a scale)")
                }
                if item.options != nil { fail("\(path).options", "câu hỏi likert dùng thang đo, không dùng options (likert items take a scale, not options)") }
            case .single, .multi:
                if let options = item.options, !options.isEmpty {
                    var seen = Set<Int>()
                    for o in options where !seen.insert(o.code).inserted {
                        fail("\(path).options.\(o.code)", "mã lựa chọn \(o.code) bị lặp (duplicate option code)")
                    }
                } else {
                    fail("\(path).options", "câu hỏi \(item.type.rawValue) cần danh sách lựa chọn (a \(item.type.rawValue) item needs options)")
                }
                if item.scale != nil { fail("\(path).scale", "chỉ câu hỏi likert mới có thang đo (only likert items take a scale)") }
            case .number, .text, .date:
                if item.scale != nil { fail("\(path).scale", "chỉ câu hỏi likert mới có thang đo (only likert items take a scale)") }
                if item.options != nil { fail("\(path).options", "câu hỏi \(item.type.rawValue) không có lựa chọn (a \(item.type.rawValue) item takes no options)") }
            }
        }

        /// A condition reads answers given before its item: one naming the item itself or a later
        /// one could never be applied as the form is filled in (and two could wait on each other).
        mutating func checkRelevant(_ text: String, path: String, item: String, at index: Int, positions: [String: Int]) {
            let expression: RelevanceExpression
            do {
                expression = try RelevanceParser.parse(text)
            } catch {
                fail(path, "điều kiện \"\(text)\" sai cú pháp ở ký tự \(error.position): \(error.message)")
                return
            }
            for code in expression.referencedItems {
                guard let target = itemsByCode[code] else {
                    fail(path, "điều kiện nhắc đến câu hỏi không tồn tại \"\(code)\" (unknown item \"\(code)\")")
                    continue
                }
                if let at = positions[code], at >= index {
                    fail(path, code == item
                         ? "điều kiện hỏi của câu \"\(item)\" không được dựa vào chính câu đó (a condition cannot name its own item)"
                         : "điều kiện hỏi của câu \"\(item)\" dựa vào câu \"\(code)\" đứng sau nó; chỉ dựa vào câu hỏi đứng trước (a condition names a later item)")
                }
                if !target.type.isComparable {
                    fail(path, "câu hỏi \"\(code)\" kiểu \(target.type.rawValue) không so sánh được; chỉ dùng câu hỏi single, likert, number (item \"\(code)\" is not comparable)")
                }
            }
        }

        mutating func checkIndices() {
            if q.indices.isEmpty { fail("indices", "cần ít nhất một cây chỉ số (at least one index tree is required)") }
            for (t, tree) in q.indices.enumerated() { collectNodes(tree, path: "indices[\(t)]") }
            for (t, tree) in q.indices.enumerated() { checkNode(tree, path: "indices[\(t)]") }
            checkCycles()
        }

        mutating func collectNodes(_ node: IndexNode, path: String) {
            if !isCode(node.code) {
                fail("\(path).code", "mã \"\(node.code)\" chỉ được gồm chữ in hoa A-Z, chữ số, \"_\" và \".\" (code must match [A-Z0-9_.]+)")
            }
            define(node.code, at: path)
            if nodesByCode[node.code] == nil { nodesByCode[node.code] = (node, path) }
            for (c, child) in node.children.enumerated() {
                if case let .node(inner) = child { collectNodes(inner, path: "\(path).children[\(c)]") }
            }
        }

        mutating func checkNode(_ node: IndexNode, path: String) {
            if node.title.trimmed.isEmpty { fail("\(path).title", "thiếu tên của \"\(node.code)\" (title is empty)") }
            if node.children.isEmpty { fail("\(path).children", "nút \"\(node.code)\" không có thành phần con (node has no children)") }
            switch node.rule {
            case .mean:
                if node.weights != nil { fail("\(path).weights", "chỉ nút rule: weighted mới có weights (weights go with rule: weighted)") }
            case .weighted:
                if let weights = node.weights {
                    if weights.count != node.children.count {
                        fail("\(path).weights", "cần \(node.children.count) trọng số, một cho mỗi thành phần con, nhưng có \(weights.count) (weights must be parallel to children)")
                    }
                    for (i, w) in weights.enumerated() where !(w.isFinite && w > 0) {
                        fail("\(path).weights[\(i)]", "trọng số phải là số hữu hạn lớn hơn 0 (weight must be a finite number > 0)")
                    }
                } else {
                    fail("\(path).weights", "nút rule: weighted cần danh sách weights song song với children (a weighted node needs weights)")
                }
            }
            for (c, child) in node.children.enumerated() {
                let childPath = "\(path).children[\(c)]"
                switch child {
                case let .node(inner):
                    checkNode(inner, path: childPath)
                case let .reference(code):
                    if let item = itemsByCode[code] {
                        if item.type != .likert {
                            fail(childPath, "\"\(code)\" là câu hỏi kiểu \(item.type.rawValue); lá của cây chỉ số phải là câu hỏi likert (a tree leaf must be a likert item)")
                        }
                    } else if nodesByCode[code] == nil {
                        fail(childPath, "không có câu hỏi \"\(code)\" (unknown item \"\(code)\")")
                    }
                }
            }
        }

        /// References to nodes defined elsewhere can form a loop; the evaluator needs a tree.
        mutating func checkCycles() {
            var state: [String: Int] = [:]  // 1 = on the current path, 2 = done
            var reported = Set<String>()
            func visit(_ node: IndexNode, path: String, run: inout Run) {
                state[node.code] = 1
                for (c, child) in node.children.enumerated() {
                    let childPath = "\(path).children[\(c)]"
                    switch child {
                    case let .node(inner):
                        visit(inner, path: childPath, run: &run)
                    case let .reference(code):
                        guard let target = run.nodesByCode[code] else { continue }
                        if state[code] == 1 {
                            if reported.insert(childPath).inserted {
                                run.fail(childPath, "tham chiếu \"\(code)\" tạo thành vòng lặp trong cây chỉ số (cycle through \"\(code)\")")
                            }
                        } else if state[code] == nil {
                            visit(target.node, path: target.path, run: &run)
                        }
                    }
                }
                state[node.code] = 2
            }
            for (t, tree) in q.indices.enumerated() where state[tree.code] == nil {
                visit(tree, path: "indices[\(t)]", run: &self)
            }
        }
    }
}

extension String {
    var trimmed: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
