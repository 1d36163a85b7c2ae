/// Number rendering. Machine formats use the shortest round-tripping decimal, never an exponent;
/// Vietnamese views use a comma as the decimal separator and a dot between thousands.
public enum DecimalText {
    /// Shortest text that reads back to the same double, in plain positional notation.
    public static func plain(_ value: Double) -> String {
        if value == 0 { return "0" }
        let text = "\(value)"
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else {
            return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
        }
        let exponent = Int(text[text.index(after: e)...])!
        var mantissa = String(text[..<e])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0])
        var fraction = parts.count > 1 ? String(parts[1]) : ""
        if fraction == "0" { fraction = "" }
        var digits = intPart + fraction
        var point = intPart.count + exponent
        if point <= 0 {
            digits = String(repeating: "0", count: -point + 1) + digits
            point = 1
        } else if point > digits.count {
            digits += String(repeating: "0", count: point - digits.count)
        }
        var result = String(digits.prefix(point))
        let rest = digits.dropFirst(point).replacingZerosAtEnd()
        if !rest.isEmpty { result += "." + rest }
        return (negative ? "-" : "") + result
    }

    /// "83,94" — fixed decimals with a comma, as the Ministry publishes.
    public static func vietnamese(_ value: Double, decimals: Int = 2) -> String {
        let scale = pow10(decimals)
        let rounded = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        let whole = Int(rounded / scale)
        let fraction = Int(rounded - Double(whole) * scale)
        var text = groupThousands(whole)
        if decimals > 0 {
            let f = String(fraction)
            text += "," + String(repeating: "0", count: decimals - f.count) + f
        }
        return (value < 0 && rounded != 0 ? "-" : "") + text
    }

    /// "1.234.567"
    public static func groupThousands(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(".") }
            out.append(ch)
        }
        return (value < 0 ? "-" : "") + out
    }

    private static func pow10(_ n: Int) -> Double {
        var p = 1.0
        for _ in 0..<n { p *= 10 }
        return p
    }
}

private extension Substring {
    func replacingZerosAtEnd() -> String {
        var s = self
        while s.last == "0" { s.removeLast() }
        return String(s)
    }
}
