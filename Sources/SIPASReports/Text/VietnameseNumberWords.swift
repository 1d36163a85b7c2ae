/// An amount in Vietnamese words, as a payment list writes it under its total ("Bằng chữ: Một
/// triệu hai trăm nghìn đồng"): groups of three digits read with trăm, mươi, linh, mốt, lăm, and
/// "không trăm" inside a number.
public enum VietnameseNumberWords {
    static let digits = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
    static let scales = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ"]

    /// The words of a non-negative whole number, lower case ("một trăm linh năm").
    public static func words(_ value: Int) -> String {
        guard value > 0 else { return "không" }
        var groups: [Int] = []
        var rest = value
        while rest > 0 { groups.append(rest % 1000); rest /= 1000 }
        var parts: [String] = []
        for i in stride(from: groups.count - 1, through: 0, by: -1) where groups[i] > 0 {
            let leading = i == groups.count - 1
            var text = group(groups[i], full: !leading)
            if !scales[i].isEmpty { text += " " + scales[i] }
            parts.append(text)
        }
        return parts.joined(separator: " ")
    }

    /// "Một triệu hai trăm nghìn đồng".
    public static func amount(_ dong: Int) -> String {
        let text = words(dong) + " đồng"
        return text.prefix(1).uppercased() + text.dropFirst()
    }

    /// Three digits; `full`: inside a number, where a missing hundred is said ("không trăm linh năm").
    static func group(_ n: Int, full: Bool) -> String {
        let hundreds = n / 100, tens = n / 10 % 10, units = n % 10
        var out: [String] = []
        if hundreds > 0 || full { out.append(digits[hundreds] + " trăm") }
        switch tens {
        case 0:
            if units > 0 && !out.isEmpty { out.append("linh") }
        case 1:
            out.append("mười")
        default:
            out.append(digits[tens] + " mươi")
        }
        if units > 0 {
            switch units {
            case 1 where tens >= 2: out.append("mốt")
            case 5 where tens >= 1: out.append("lăm")
            default: out.append(digits[units])
            }
        }
        return out.joined(separator: " ")
    }
}
