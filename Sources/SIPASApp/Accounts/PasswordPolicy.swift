import Foundation

/// What a password must be. bcrypt reads at most 72 bytes and stops at a NUL, so a longer or
/// NUL-holding password would be silently cut: such passwords are refused, never truncated.
public enum PasswordPolicy {
    public static let minimumCharacters = 10
    static let maximumBytes = 72

    /// The password as it will be hashed (NFC, so the same keys on any device give the same bytes).
    static func check(_ password: String, field: String) throws -> String {
        let normalised = password.precomposedStringWithCanonicalMapping
        if normalised.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw AppError.invalid("mật khẩu chứa ký tự điều khiển (NUL, TAB, xuống dòng…); hãy dùng chữ, số và ký hiệu (control characters are not allowed)", field: field)
        }
        if normalised.count < minimumCharacters {
            throw AppError.invalid("mật khẩu cần ít nhất \(minimumCharacters) ký tự (password too short)", field: field)
        }
        if normalised.utf8.count > maximumBytes {
            throw AppError.invalid("mật khẩu dài quá \(maximumBytes) byte (chữ có dấu chiếm 2–3 byte); hãy dùng mật khẩu ngắn hơn (password longer than 72 bytes)", field: field)
        }
        return normalised
    }

    /// A password typed at sign-in, as it would have been hashed; nil when no password could
    /// ever have been set so (it is then simply wrong — never cut down to a prefix that matches).
    static func attempt(_ password: String) -> String? {
        let normalised = password.precomposedStringWithCanonicalMapping
        if normalised.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) || normalised.utf8.count > maximumBytes {
            return nil
        }
        return normalised
    }
}
