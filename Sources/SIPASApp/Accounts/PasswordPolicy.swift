import Foundation
import SIPASCore

/// What a password must be. bcrypt reads at most 72 bytes and stops at a NUL, so a longer or
/// NUL-holding password would be silently cut: such passwords are refused, never truncated. The
/// most common passwords and trivial ones (one character repeated, a run of the keyboard or the
/// alphabet) are the first an attacker tries: refused, with the reason.
public enum PasswordPolicy {
    public static let minimumCharacters = 10
    static let maximumBytes = 72

    /// The password as it will be hashed (NFC, so the same keys on any device give the same bytes).
    static func check(_ password: String, field: String) throws -> String {
        let normalised = password.precomposedStringWithCanonicalMapping
        if normalised.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw AppError.invalid("mật khẩu chứa ký tự điều khiển (NUL, TAB, xuống dòng…); hãy dùng chữ, số và ký hiệu (control characters are not allowed)", field: field)
        }
        if normalised.unicodeScalars.contains(where: { $0.properties.generalCategory == .format }) {
            throw AppError.invalid("mật khẩu chứa ký tự ẩn (không hiện khi gõ, ví dụ dấu cách độ rộng 0); hãy gõ lại bằng bàn phím (invisible characters are not allowed)", field: field)
        }
        let visible = normalised.unicodeScalars.filter { !$0.properties.isWhitespace }
        if visible.count < minimumCharacters {
            throw AppError.invalid("mật khẩu cần ít nhất \(minimumCharacters) ký tự nhìn thấy được, không tính dấu cách (password too short)", field: field)
        }
        if normalised.utf8.count > maximumBytes {
            throw AppError.invalid("mật khẩu dài quá \(maximumBytes) byte (chữ có dấu chiếm 2–3 byte); hãy dùng mật khẩu ngắn hơn (password longer than 72 bytes)", field: field)
        }
        if let reason = triviality(normalised) {
            throw AppError.invalid("mật khẩu quá dễ đoán: \(reason); hãy dùng một câu dài hoặc nhiều từ ghép, ví dụ \"mua-xuan-tren-deo-Khau-Phat\" (password too easy to guess)", field: field)
        }
        return normalised
    }

    /// Why a password is too easy to guess, or nil.
    static func triviality(_ password: String) -> String? {
        let folded = SearchText.fold(password)
        let compact = folded.filter { !$0.isWhitespace && !"-_.@!#".contains($0) }
        if common.contains(folded) || common.contains(compact) { return "nằm trong danh sách mật khẩu phổ biến nhất" }
        if Set(compact).count <= 2 { return "chỉ gồm một hoặc hai ký tự lặp lại" }
        for run in runs where run.contains(compact) || String(run.reversed()).contains(compact) {
            return "là một dãy liên tiếp trên bàn phím hoặc bảng chữ cái (\(run.prefix(4))…)"
        }
        return nil
    }

    static let runs = ["01234567890123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm", "1qaz2wsx3edc4rfv5tgb",
                       "qazwsxedcrfvtgbyhnujm"]

    /// The most common passwords of leaked lists, and their Vietnamese favourites (compared
    /// without case, diacritics or separators).
    static let common: Set<String> = [
        "password", "password1", "password12", "password123", "password1234", "passw0rd123", "123456789a", "a123456789",
        "1234567890a", "abc1234567", "abcd123456", "abcd1234567", "123abc4567", "qwerty1234", "qwerty12345", "qwerty123456",
        "iloveyou123", "iloveyou12", "admin12345", "admin123456", "administrator", "administrator1", "welcome123", "welcome1234",
        "letmein123", "matkhau123", "matkhau1234", "matkhaumoi", "matkhau12345", "123456789aa", "vietnam123", "vietnam1234",
        "hanoi12345", "saigon1234", "anhyeuem123", "emyeuanh123", "yeuem12345", "sipas2023", "sipas12345",
        "123456aa@", "aa123456789", "1234567890", "0987654321", "11111111111", "1q2w3e4r5t", "1q2w3e4r5t6y",
        "zaq12wsxcde3", "football123", "baseball123", "sunshine123", "princess123", "dragon12345", "monkey12345", "superman123",
        "trustno1234", "changeme123", "changeme1234", "doimatkhau", "doimatkhau123", "khongbiet123", "congchuc123", "noivu12345",
    ]

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
