import SIPASApp

/// A failure the user can act on: a message (no stack trace) and a sysexits-style code.
struct CLIFailure: Error {
    var code: Int32
    var message: String

    init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    static func usage(_ message: String) -> CLIFailure { CLIFailure(code: 2, message: message) }
    static func data(_ message: String) -> CLIFailure { CLIFailure(code: 65, message: message) }
    static func noInput(_ message: String) -> CLIFailure { CLIFailure(code: 66, message: message) }
    static func cannotWrite(_ message: String) -> CLIFailure { CLIFailure(code: 74, message: message) }

    /// The application's error as the command line reports it: the message, the offending field,
    /// the listed problems, and an exit code by kind.
    init(_ error: AppError) {
        var lines = [error.message + (error.field.map { " [\($0)]" } ?? "")]
        for item in error.items {
            let place = [item.line.map { "dòng \($0)" }, item.column.map { "cột \($0)" }, item.field].compactMap { $0 }.joined(separator: ", ")
            lines.append((place.isEmpty ? "" : place + ": ") + item.message)
        }
        if error.totalItems > error.items.count { lines.append("… và \(error.totalItems - error.items.count) lỗi khác (and more)") }
        let code: Int32
        switch error.kind {
        case .malformed, .invalid, .invalidContent, .conflict, .tooLarge: code = 65
        case .notFound: code = 66
        case .unauthenticated, .forbidden: code = 77
        case .throttled, .unavailable: code = 75
        case .storageFull: code = 74
        }
        self.init(code: code, message: lines.joined(separator: "\n"))
    }
}
