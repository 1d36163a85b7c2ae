import Foundation

/// The same person across several dossiers: a name compared without case, diacritics or spacing,
/// and a phone number compared by its digits (+84 written as 0).
public enum PersonIdentity {
    public static func normalisedName(_ name: String) -> String {
        // Vietnamese letters decompose into an ASCII letter and combining marks, but for đ/Đ.
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in name.decomposedStringWithCanonicalMapping.unicodeScalars {
            let v = scalar.value
            if (0x300...0x36F).contains(v) { continue }
            if scalar.properties.isWhitespace { pendingSpace = !out.isEmpty; continue }
            if pendingSpace { out.append(" "); pendingSpace = false }
            switch v {
            case 0x41...0x5A: out.append(Unicode.Scalar(v + 32)!)
            case 0x110, 0x111: out.append("d")
            default:
                if v < 0x80 { out.append(scalar) } else { out.append(contentsOf: String(scalar).lowercased().unicodeScalars) }
            }
        }
        return String(out)
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
