import SIPASCore

/// Checks one response given as its answers (item code → value as the responses format writes
/// it), with the same rules and messages as a row of the responses CSV: paper entry, single
/// submissions, self-response and ODK share this one check and its one list of problems.
public struct ResponseCheck: Sendable {
    public let schema: ResponsesSchema

    public init(schema: ResponsesSchema) { self.schema = schema }

    public struct Problem: Sendable, Equatable {
        /// The item's code (the field the problem belongs beside).
        public var item: String
        public var message: String
    }

    public struct Outcome: Sendable {
        /// Every item in questionnaire order, as stored: codes without leading zeros, multiple
        /// choices deduplicated, numbers in their shortest form; blank for no answer.
        public var answers: [String]
        /// Per item the value the index reads (NaN = blank).
        public var values: [Double]
        public var problems: [Problem]
        /// Items answered although their `relevant` condition is false (not counted by the index).
        public var irrelevant: [String]
    }

    public func check(_ given: [String: String]) -> Outcome {
        let items = schema.questionnaire.items
        var outcome = Outcome(answers: [String](repeating: "", count: items.count), values: [Double](repeating: .nan, count: items.count),
                              problems: [], irrelevant: [])
        for code in given.keys.sorted() where schema.itemIndex[code] == nil {
            outcome.problems.append(Problem(item: code, message: "bảng hỏi không có câu hỏi \"\(code)\" (no such item)"))
        }
        for (i, item) in items.enumerated() {
            guard let raw = given[item.code] else { continue }
            let text = item.type == .text ? raw : raw.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            func problem(_ message: String) { outcome.problems.append(Problem(item: item.code, message: message)) }
            switch check(text, role: schema.itemRoles[i], type: item.type, problem: problem) {
            case let .some((stored, value)):
                outcome.answers[i] = stored
                outcome.values[i] = value
            case .none: break
            }
        }
        outcome.values.withUnsafeBufferPointer { values in
            let relevant = UnsafeMutableBufferPointer<Bool>.allocate(capacity: schema.evaluator.relevanceSlots)
            defer { relevant.deallocate() }
            schema.evaluator.checkRelevance(values, relevant: relevant) { outcome.irrelevant.append(items[$0].code) }
        }
        return outcome
    }

    /// The stored text and the index's value of one non-blank answer, or nil after reporting.
    private func check(_ text: String, role: ColumnRole, type: ItemType, problem: (String) -> Void) -> (String, Double)? {
        var bytes = Array(text.utf8)
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { buffer -> (String, Double)? in
            let p = buffer.baseAddress!, end = buffer.count - 1
            switch role {
            case let .coded(_, table):
                guard let code = ValueParsing.integer(p, 0, end) else { problem(AnswerRules.notInteger(text)); return nil }
                guard table.contains(code) else { problem(AnswerRules.notAllowed(code, table)); return nil }
                return (String(code), Double(code))
            case let .multi(_, table):
                var chosen: [Int] = []
                for part in text.split(separator: ";", omittingEmptySubsequences: false) {
                    let trimmed = part.trimmingCharacters(in: .whitespaces)
                    guard !trimmed.isEmpty else { problem(AnswerRules.emptyPart(text)); return nil }
                    guard let code = Int(trimmed), trimmed.count <= 17 else { problem(AnswerRules.notIntegerPart(trimmed)); return nil }
                    guard table.contains(code) else { problem(AnswerRules.notAllowed(code, table)); return nil }
                    if !chosen.contains(code) { chosen.append(code) }
                }
                return (chosen.map(String.init).joined(separator: ";"), 1)
            case .number:
                guard let value = ValueParsing.decimal(p, 0, end, exponent: false) else { problem(AnswerRules.notNumber(text)); return nil }
                return (DecimalText.plain(value), value)
            case .date:
                guard ValueParsing.isISODate(p, 0, end) else { problem(AnswerRules.notDate(text)); return nil }
                return (text, 1)
            case .text:
                if let position = AnswerRules.controlCharacter(in: text, allowingBreaks: type == .text) {
                    problem(AnswerRules.controlCharacterInAnswer(at: position))
                    return nil
                }
                return (text, 1)
            case .responseId, .stratum, .psu, .weight, .attribute:
                return nil
            }
        }
    }
}
