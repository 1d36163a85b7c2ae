/// A failure the user can act on: a message (no stack trace) and a sysexits-style code.
struct CLIFailure: Error {
    var code: Int32
    var message: String

    static func usage(_ message: String) -> CLIFailure { CLIFailure(code: 2, message: message) }
    static func data(_ message: String) -> CLIFailure { CLIFailure(code: 65, message: message) }
    static func noInput(_ message: String) -> CLIFailure { CLIFailure(code: 66, message: message) }
    static func cannotWrite(_ message: String) -> CLIFailure { CLIFailure(code: 74, message: message) }
}
