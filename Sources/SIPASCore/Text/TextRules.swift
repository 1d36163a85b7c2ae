import Foundation

/// The rules every text a person types must pass, wherever it arrives (API, form, file, CLI):
/// NFC-normalised, trimmed, no control characters (line breaks only where the field is free
/// text), and within its length. A NUL or an escape sequence in a name is never a typo worth keeping.
public enum TextRules {
    public enum Violation: Error, Equatable, Sendable {
        case empty
        case tooLong(limit: Int)
        case controlCharacter(position: Int)

        /// The message shown beside the field, Vietnamese first.
        public var message: String {
            switch self {
            case .empty: return "không được để trống (must not be empty)"
            case let .tooLong(limit): return "dài quá \(limit) ký tự (longer than \(limit) characters)"
            case let .controlCharacter(position):
                return "chứa ký tự điều khiển ở vị trí \(position) (a control character such as NUL or TAB); hãy xóa ký tự đó"
            }
        }
    }

    /// The cleaned text, or the rule it breaks. `multiline` allows CR and LF (free-text answers,
    /// legal bases); nothing allows any other control character.
    public static func clean(_ text: String, maxLength: Int, multiline: Bool = false, allowEmpty: Bool = false) throws(Violation) -> String {
        let normalised = text.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespaces)
        var position = 0
        for scalar in normalised.unicodeScalars {
            position += 1
            let isBreak = scalar == "\n" || scalar == "\r"
            if isBreak && multiline { continue }
            if scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" || scalar == "\u{FEFF}" {
                throw .controlCharacter(position: position)
            }
        }
        if normalised.isEmpty && !allowEmpty { throw .empty }
        // Counted in code points, as JSON Schema's maxLength counts them.
        if normalised.unicodeScalars.count > maxLength { throw .tooLong(limit: maxLength) }
        return normalised
    }

    /// Codes (campaigns, agencies, questionnaires): letters, digits, `.`, `_`, `-`; compared
    /// without regard to case.
    public static func isCode(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCIIAlphanumeric else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || $0 == "." || $0 == "_" || $0 == "-" }
    }

    public static let codePattern = "^[A-Za-z0-9][A-Za-z0-9._-]*$"

    private static let controls = "\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uFEFF"
    private static let controlsButBreaks = "\\u0000-\\u0009\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uFEFF"

    /// The same rule as a regular expression (ECMA-262), for API documents: no control character
    /// (but line breaks when `multiline`), and unless `allowBlank` something besides white space.
    public static func pattern(multiline: Bool = false, allowBlank: Bool = false) -> String {
        let c = multiline ? controlsButBreaks : controls
        return allowBlank ? "^[^\(c)]*$" : "^[^\(c)]*[^\\s\(c)][^\(c)]*$"
    }
}

extension Unicode.Scalar {
    var isASCIIAlphanumeric: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
    }
}
