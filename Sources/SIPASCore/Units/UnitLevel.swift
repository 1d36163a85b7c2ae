/// Where a unit stands in the administrative hierarchy. Raw values are what the database, the API
/// and the registers' files write.
public enum UnitLevel: String, Sendable, Codable, CaseIterable, Comparable {
    case province, district, commune
    /// A department or one-stop shop a locality adds below a unit.
    case agency

    public var vietnameseLabel: String {
        switch self {
        case .province: "Tỉnh/thành phố"
        case .district: "Quận/huyện"
        case .commune: "Xã/phường"
        case .agency: "Cơ quan"
        }
    }

    public static func < (a: UnitLevel, b: UnitLevel) -> Bool { a.depth < b.depth }

    private var depth: Int {
        switch self {
        case .province: 0
        case .district: 1
        case .commune: 2
        case .agency: 3
        }
    }
}
