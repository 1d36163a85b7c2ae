/// Parses the `relevant` grammar: `or` < `and` < `not` < comparison in precedence; a condition is
/// a comparison or a combination of them; operands are item codes and unsigned decimals.
public struct RelevanceParser {
    public struct ParseError: Error, Equatable, Sendable {
        /// 1-based character position in the expression.
        public var position: Int
        public var message: String
    }

    private enum Token: Equatable {
        case word(String)          // item code or keyword
        case number(Double)
        case op(RelevanceExpression.ComparisonOperator)
        case open, close, end
    }

    private var tokens: [(token: Token, position: Int)] = []
    private var index = 0

    public static func parse(_ text: String) throws(ParseError) -> RelevanceExpression {
        var parser = RelevanceParser()
        try parser.tokenize(Array(text.unicodeScalars))
        let expression = try parser.parseOr()
        if parser.current.token != .end {
            throw ParseError(position: parser.current.position, message: "thừa nội dung sau điều kiện (unexpected \(parser.describe(parser.current.token)))")
        }
        return expression
    }

    private var current: (token: Token, position: Int) { tokens[index] }

    private mutating func tokenize(_ s: [Unicode.Scalar]) throws(ParseError) {
        var i = 0
        func isWordScalar(_ c: Unicode.Scalar) -> Bool {
            (c >= "A" && c <= "Z") || (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c == "_" || c == "."
        }
        while i < s.count {
            let c = s[i]
            let position = i + 1
            if c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1; continue }
            if c == "(" { tokens.append((.open, position)); i += 1; continue }
            if c == ")" { tokens.append((.close, position)); i += 1; continue }
            if "=!<>".unicodeScalars.contains(c) {
                let two = i + 1 < s.count ? String(String.UnicodeScalarView([c, s[i + 1]])) : ""
                if let op = RelevanceExpression.ComparisonOperator(rawValue: two) {
                    tokens.append((.op(op), position)); i += 2; continue
                }
                if let op = RelevanceExpression.ComparisonOperator(rawValue: String(c)) {
                    tokens.append((.op(op), position)); i += 1; continue
                }
                let hint = c == "=" ? "dùng \"==\" để so sánh bằng (use \"==\" for equality)" : "toán tử không hợp lệ (invalid operator)"
                throw ParseError(position: position, message: "\"\(c)\": \(hint)")
            }
            if isWordScalar(c) {
                var j = i
                while j < s.count, isWordScalar(s[j]) { j += 1 }
                let word = String(String.UnicodeScalarView(s[i..<j]))
                tokens.append((Self.classify(word), position))
                i = j
                continue
            }
            throw ParseError(position: position, message: "ký tự không hợp lệ \"\(c)\" (unexpected character)")
        }
        tokens.append((.end, s.count + 1))
    }

    /// A word made only of digits with at most one dot is a number; item codes contain a letter.
    private static func classify(_ word: String) -> Token {
        let isNumeric = word.unicodeScalars.allSatisfy { ($0 >= "0" && $0 <= "9") || $0 == "." }
            && word.unicodeScalars.filter({ $0 == "." }).count <= 1
            && word.unicodeScalars.first != "." && word.unicodeScalars.last != "."
        if isNumeric, let value = Double(word) { return .number(value) }
        return .word(word)
    }

    private func describe(_ token: Token) -> String {
        switch token {
        case let .word(w): return "\"\(w)\""
        case let .number(n): return "\(n)"
        case let .op(op): return "\"\(op.rawValue)\""
        case .open: return "\"(\""
        case .close: return "\")\""
        case .end: return "end of expression"
        }
    }

    private mutating func parseOr() throws(ParseError) -> RelevanceExpression {
        var left = try parseAnd()
        while current.token == .word("or") {
            index += 1
            left = .or(left, try parseAnd())
        }
        return left
    }

    private mutating func parseAnd() throws(ParseError) -> RelevanceExpression {
        var left = try parseNot()
        while current.token == .word("and") {
            index += 1
            left = .and(left, try parseNot())
        }
        return left
    }

    private mutating func parseNot() throws(ParseError) -> RelevanceExpression {
        if current.token == .word("not") {
            index += 1
            return .not(try parseNot())
        }
        if current.token == .open {
            let open = current.position
            index += 1
            let inner = try parseOr()
            guard current.token == .close else {
                throw ParseError(position: current.position, message: "thiếu \")\" đóng cho \"(\" ở vị trí \(open) (missing closing parenthesis)")
            }
            index += 1
            return inner
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws(ParseError) -> RelevanceExpression {
        let left = try parseOperand()
        guard case let .op(op) = current.token else {
            throw ParseError(position: current.position, message: "cần toán tử so sánh (==, !=, <, <=, >, >=) thay vì \(describe(current.token)); một giá trị đứng một mình không phải là điều kiện (expected a comparison operator)")
        }
        index += 1
        let right = try parseOperand()
        return .comparison(left, op, right)
    }

    private mutating func parseOperand() throws(ParseError) -> RelevanceExpression.Operand {
        let (token, position) = current
        switch token {
        case let .number(n):
            index += 1
            return .number(n)
        case let .word(w) where !["and", "or", "not"].contains(w):
            index += 1
            return .item(w)
        default:
            throw ParseError(position: position, message: "cần mã câu hỏi hoặc số thay vì \(describe(token)) (expected an item code or a number)")
        }
    }
}
