import Foundation

/// The same person across several dossiers: a name compared without case, diacritics or spacing,
/// and a phone number compared by its digits (+84 written as 0).
public enum PersonIdentity {
    public static func normalisedName(_ name: String) -> String {
        let folded = name.precomposedStringWithCanonicalMapping.replacingOccurrences(of: "đ", with: "d")
            .replacingOccurrences(of: "Đ", with: "D")
            .folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        return folded.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    public static func normalisedPhone(_ phone: String) -> String {
        var digits = phone.unicodeScalars.filter { $0.isASCII && $0.properties.numericType != nil }.map(String.init).joined()
        if phone.trimmingCharacters(in: .whitespaces).hasPrefix("+84") || (digits.hasPrefix("84") && digits.count == 11) {
            digits = "0" + digits.dropFirst(2)
        }
        return digits
    }

    /// Nil when either part is missing: without both, two dossiers are not called the same person.
    public static func key(name: String?, phone: String?) -> String? {
        let n = normalisedName(name ?? ""), p = normalisedPhone(phone ?? "")
        return n.isEmpty || p.isEmpty ? nil : n + "|" + p
    }
}
