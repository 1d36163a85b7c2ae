import Foundation

/// Change of a figure between an earlier and a later campaign (`dashboard-measures.md` §4), the
/// two samples taken as independent.
public struct Change: Sendable, Equatable {
    public enum Direction: String, Sendable, Equatable, CaseIterable {
        case up, down
        case noClearChange = "no clear change"
        case lowN = "low n"

        public var label: String {
            switch self {
            case .up: return "tăng"
            case .down: return "giảm"
            case .noClearChange: return "chưa rõ thay đổi"
            case .lowN: return "ít phiếu"
            }
        }
    }

    public static let z = 1.959964

    public var delta: Double
    public var se: Double
    public var low: Double
    public var high: Double
    public var direction: Direction

    /// Nil when either side has no figure.
    public static func between(earlier a: IndexResult.Row, later b: IndexResult.Row) -> Change? {
        guard let ea = a.estimate, let eb = b.estimate, let sa = a.se, let sb = b.se else { return nil }
        let delta = eb - ea, se = (sa * sa + sb * sb).squareRoot()
        let low = delta - z * se, high = delta + z * se
        let direction: Direction = a.lowN || b.lowN ? .lowN : low > 0 ? .up : high < 0 ? .down : .noClearChange
        return Change(delta: delta, se: se, low: low, high: high, direction: direction)
    }
}
