import SIPASCore
import SIPASStore

/// The one error of the application layer: what went wrong, where (the field or the file line
/// and column), and how to fix it. Each adapter renders it its own way — problem+json for the
/// API, the form again with the message beside the field for the web, an exit code for the CLI.
public struct AppError: Error, Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// The request does not have the API's form: malformed JSON, a wrong type, an unknown
        /// field, a parameter that is not a number (the adapter's reading of it).
        case malformed
        /// Well formed, but a value breaks a rule of the application.
        case invalid
        case unauthenticated
        case forbidden
        case notFound = "not-found"
        /// The request is well formed but clashes with stored state.
        case conflict
        /// A file or document was read and refused (its problems are in `items`).
        case invalidContent = "invalid-content"
        case tooLarge = "too-large"
        /// Too many failed attempts: wait `retryAfter` seconds.
        case throttled
        /// Overloaded: nothing was changed; try again after `retryAfter` seconds.
        case unavailable
        /// Storage is full: nothing was changed; writes resume once space is freed.
        case storageFull = "storage-full"
    }

    public var kind: Kind
    /// Vietnamese first, English in parentheses.
    public var message: String
    /// JSON-pointer-like path of the offending field (`/units/2/unit_id`, `?by`), when there is one.
    public var field: String?
    /// Every problem of a refused file or document, the first 100 of them.
    public var items: [Item]
    /// How many problems there were in all (more than `items` when capped).
    public var totalItems: Int
    public var retryAfter: Int?

    public struct Item: Sendable, Equatable, Codable {
        public var line: Int?
        public var column: Int?
        public var field: String?
        public var message: String

        public init(line: Int? = nil, column: Int? = nil, field: String? = nil, message: String) {
            self.line = line
            self.column = column
            self.field = field
            self.message = message
        }
    }

    public static let itemLimit = 100

    public init(_ kind: Kind, _ message: String, field: String? = nil, items: [Item] = [], totalItems: Int? = nil, retryAfter: Int? = nil) {
        self.kind = kind
        self.message = message
        self.field = field
        self.items = Array(items.prefix(Self.itemLimit))
        self.totalItems = max(totalItems ?? items.count, items.count)
        self.retryAfter = retryAfter
    }

    public static func invalid(_ message: String, field: String? = nil) -> AppError { AppError(.invalid, message, field: field) }
    public static func malformed(_ message: String, field: String? = nil) -> AppError { AppError(.malformed, message, field: field) }
    public static func unauthenticated() -> AppError {
        AppError(.unauthenticated, "cần đăng nhập: gửi \"Authorization: Bearer <token>\" hoặc cookie phiên (authentication required)")
    }
    public static func forbidden(_ message: String = "tài khoản của bạn không có quyền thực hiện thao tác này (forbidden)", field: String? = nil) -> AppError {
        AppError(.forbidden, message, field: field)
    }
    public static func notFound(_ what: String) -> AppError { AppError(.notFound, "không tìm thấy \(what) (not found)") }
    public static func conflict(_ message: String, field: String? = nil) -> AppError { AppError(.conflict, message, field: field) }
    public static func busy() -> AppError {
        AppError(.unavailable, DatabaseError.busy.description, retryAfter: 2)
    }

    /// A text rule broken by the value of `field`.
    static func text(_ violation: TextRules.Violation, field: String, label: String) -> AppError {
        .invalid("\(label): \(violation.message)", field: field)
    }
}

extension AppError {
    /// Maps what lower layers throw to the application's error; anything else is left alone (an
    /// adapter reports it as an internal error without its details).
    static func from(_ error: any Error) -> any Error {
        if let error = error as? AppError { return error }
        if case DatabaseError.busy = error { return busy() }
        if case DatabaseError.storageFull = error { return AppError(.storageFull, DatabaseError.storageFull.description, retryAfter: 60) }
        return error
    }
}
