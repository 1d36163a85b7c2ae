import Foundation

/// A completion date as one-stop-shop exports write it: ISO (`2026-03-15`, with or without a
/// time), Vietnamese `15/03/2026` (`15/3/2026`), or an Excel serial day number (`46096`).
public enum FrameDate {
    /// `yyyy-mm-dd`, or nil when the text is not a date.
    public static func parse(_ text: String) -> String? {
        if let date = common(text) { return date }
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.isEmpty { return nil }
        if let serial = Double(t), serial.rounded(.down) == serial || t.contains(".") {
            return serial >= 1 && serial < 2_958_466 ? excelSerial(serial) : nil
        }
        let datePart = t.split(whereSeparator: { $0 == " " || $0 == "T" }).first.map(String.init) ?? t
        if datePart.contains("-") {
            let p = datePart.split(separator: "-").map { Int($0) }
            guard p.count == 3, let y = p[0], let m = p[1], let d = p[2] else { return nil }
            return valid(y, m, d)
        }
        if datePart.contains("/") {
            let p = datePart.split(separator: "/").map { Int($0) }
            guard p.count == 3, let d = p[0], let m = p[1], let y = p[2] else { return nil }
            return valid(y, m, d)
        }
        return nil
    }

    /// The forms a million-row export writes, read from the bytes: `dd/mm/yyyy` and `yyyy-mm-dd`,
    /// possibly followed by a time. Anything else goes the general way.
    static func common(_ text: String) -> String? {
        var parts = (0, 0, 0), index = 0, digits = 0, separator: UInt8 = 0
        for byte in text.utf8 {
            switch byte {
            case 48...57:
                guard digits < 4 else { return nil }
                digits += 1
                let value = Int(byte - 48)
                switch index {
                case 0: parts.0 = parts.0 * 10 + value
                case 1: parts.1 = parts.1 * 10 + value
                default: parts.2 = parts.2 * 10 + value
                }
            case UInt8(ascii: "/"), UInt8(ascii: "-"):
                guard digits > 0, index < 2, separator == 0 || separator == byte else { return nil }
                separator = byte
                index += 1
                digits = 0
            case UInt8(ascii: " "), UInt8(ascii: "T"):
                guard index == 2, digits > 0 else { return nil }
                return date(parts, separator)
            default:
                return nil
            }
        }
        guard index == 2, digits > 0 else { return nil }
        return date(parts, separator)
    }

    private static func date(_ parts: (Int, Int, Int), _ separator: UInt8) -> String? {
        separator == UInt8(ascii: "-") ? valid(parts.0, parts.1, parts.2) : valid(parts.2, parts.1, parts.0)
    }

    static func valid(_ y: Int, _ m: Int, _ d: Int) -> String? {
        guard (1900...2200).contains(y), (1...12).contains(m), d >= 1 else { return nil }
        let days = [31, (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard d <= days[m - 1] else { return nil }
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// Excel's 1900 date system, with its phantom 29/02/1900.
    public static func excelSerial(_ serial: Double) -> String? {
        var days = Int(serial.rounded(.down))
        if days < 60 { days += 1 }
        // Civil-from-days (Howard Hinnant), day 25569 = 1970-01-01.
        let z = days - 25569 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return valid(yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
