import Foundation

/// An administrative unit or a measured agency. `path` lists the ids from the province down
/// ("/12/345/6789/") so that a subtree is a prefix.
public struct AdminUnit: Sendable, Codable, Equatable {
    public var id: Int
    public var code: String
    public var name: String
    /// tinh, thanh-pho, huyen, quan, thi-xa, xa, phuong, thi-tran, dac-khu, agency…
    public var kind: String
    public var level: UnitLevel
    public var parentId: Int?
    public var path: String
    public var register: Register
    public var validFrom: String?
    public var validTo: String?

    public init(id: Int, code: String, name: String, kind: String, level: UnitLevel, parentId: Int?, path: String,
                register: Register, validFrom: String?, validTo: String?) {
        self.id = id
        self.code = code
        self.name = name
        self.kind = kind
        self.level = level
        self.parentId = parentId
        self.path = path
        self.register = register
        self.validFrom = validFrom
        self.validTo = validTo
    }

    /// The province at the root of the unit's path (its own id for a province).
    public var rootId: Int? { path.split(separator: "/").first.flatMap { Int($0) } }

    /// Whether `other` is this unit or below it.
    public func contains(_ other: AdminUnit) -> Bool { other.path.hasPrefix(path) }

    /// Whether the unit existed at some time during `year` (the registers are versioned: a
    /// legacy commune ends on 30/06/2025, its successor starts on 01/07/2025).
    public func exists(inYear year: Int) -> Bool {
        let first = String(format: "%04d-01-01", year), last = String(format: "%04d-12-31", year)
        if let validFrom, validFrom > last { return false }
        if let validTo, validTo < first { return false }
        return true
    }
}

/// Case- and diacritic-insensitive search keys: "diem he" finds "Xã Điềm He".
public enum SearchText {
    public static func fold(_ text: String) -> String {
        text.replacingOccurrences(of: "đ", with: "d").replacingOccurrences(of: "Đ", with: "d")
            .folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
    }
}
