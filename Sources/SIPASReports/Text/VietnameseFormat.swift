import Foundation
import SIPASCore

/// How figures read on a Vietnamese screen (`dashboard-measures.md` §6): "92,70%", intervals
/// "(90,12–94,85)", counts "1.800", dates "22/11/2026". Machine formats never pass through here.
public enum VietnameseFormat {
    public static let missing = "—"

    public static func percent(_ value: Double?) -> String {
        value.map { DecimalText.vietnamese($0) + "%" } ?? missing
    }

    public static func interval(_ low: Double?, _ high: Double?) -> String {
        guard let low, let high else { return missing }
        return "(\(DecimalText.vietnamese(low))–\(DecimalText.vietnamese(high)))"
    }

    /// Percentage points with their sign: "+5,00", "−0,30".
    public static func points(_ value: Double?) -> String {
        guard let value else { return missing }
        let text = DecimalText.vietnamese(abs(value))
        if text == "0,00" { return "0,00" }
        return (value < 0 ? "−" : "+") + text
    }

    public static func pointsInterval(_ low: Double?, _ high: Double?) -> String {
        guard let low, let high else { return missing }
        return "(\(points(low)) đến \(points(high)))"
    }

    public static func count(_ value: Int) -> String { DecimalText.groupThousands(value) }

    /// Collection channels, in the order the upload form offers them.
    public static let channels = Channel.allCases.map { ($0.rawValue, $0.vietnameseLabel) }

    public static func channel(_ code: String) -> String { channels.first { $0.0 == code }?.1 ?? code }

    /// "2025-07-01" or an ISO timestamp → "01/07/2025".
    public static func date(_ iso: String?) -> String {
        guard let iso, iso.count >= 10 else { return iso ?? missing }
        let parts = iso.prefix(10).split(separator: "-")
        guard parts.count == 3 else { return iso }
        return "\(parts[2])/\(parts[1])/\(parts[0])"
    }

    /// An ISO timestamp → "22/11/2026 14:05 (UTC)".
    /// A stored UTC timestamp in Vietnam's time (GMT+7, no daylight saving): "05/12/2026 16:13".
    public static func dateTime(_ iso: String) -> String {
        guard iso.count >= 16, let utc = parseTimestamp(iso) else { return date(iso) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600)!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: utc)
        return String(format: "%02d/%02d/%04d %02d:%02d", c.day!, c.month!, c.year!, c.hour!, c.minute!)
    }

    private static func parseTimestamp(_ iso: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: iso) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: iso)
    }
}
