/// Which version of the administrative map a unit belongs to: the units until 30/06/2025, those
/// from 01/07/2025 (no districts), or agencies a locality adds.
public enum Register: String, Sendable, Codable, CaseIterable {
    case legacy
    case reform2025 = "2025"
    case local

    /// As the search form offers it.
    public var vietnameseLabel: String {
        switch self {
        case .reform2025: "Sau sắp xếp (từ 01/07/2025)"
        case .legacy: "Trước sắp xếp (đến 30/06/2025)"
        case .local: "Cơ quan, bộ phận do địa phương thêm"
        }
    }

    /// The other side of the 1 July 2025 reorganisation (nil for local agencies).
    public var counterpart: Register? {
        switch self {
        case .legacy: .reform2025
        case .reform2025: .legacy
        case .local: nil
        }
    }
}
