import Foundation
import Hummingbird
import SIPASApp

/// A submitted HTML form (`application/x-www-form-urlencoded`). Reading one checks the session's
/// anti-forgery token: a page of another site can make a browser post a form, never read the
/// token that goes with it.
struct WebForm: Sendable {
    static let maxBytes = 1 << 20
    private(set) var fields: [(String, String)]

    init(fields: [(String, String)]) { self.fields = fields }

    static func read(_ request: Request, context: AppRequestContext, checkingCSRF: Bool = true) async throws -> WebForm {
        let buffer = try await request.body.collect(upTo: maxBytes)
        let form = WebForm(fields: parse(String(buffer: buffer)))
        if checkingCSRF { try checkToken(form["_csrf"], context: context) }
        return form
    }

    /// Refuses a form whose anti-forgery token is not the session's.
    static func checkToken(_ sent: String?, context: AppRequestContext) throws {
        guard let expected = context.csrfToken, let sent, constantTimeEqual(sent, expected) else {
            throw AppError.forbidden("biểu mẫu đã hết hạn hoặc không do trang này gửi; hãy tải lại trang và gửi lại (the form's anti-forgery token is missing or wrong)")
        }
    }

    subscript(_ name: String) -> String? { fields.first { $0.0 == name }?.1 }
    func all(_ name: String) -> [String] { fields.filter { $0.0 == name }.map(\.1) }

    static func parse(_ body: String) -> [(String, String)] {
        body.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
