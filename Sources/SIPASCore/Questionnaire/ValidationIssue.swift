/// A problem found in a document, located by its key path (`indices[0].children[2]`) and, when the
/// document came from text, by line and column.
public struct ValidationIssue: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var line: Int?
    public var column: Int?

    public init(path: String, message: String, line: Int? = nil, column: Int? = nil) {
        self.path = path
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String {
        let location = line.map { l in column.map { " (dòng \(l), cột \($0))" } ?? " (dòng \(l))" } ?? ""
        return "\(path.isEmpty ? "(gốc)" : path)\(location): \(message)"
    }
}

/// Every problem of a questionnaire at once, so a user can fix them in one round.
public struct QuestionnaireInvalid: Error, Sendable, Equatable, CustomStringConvertible {
    public var issues: [ValidationIssue]

    public init(_ issues: [ValidationIssue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
