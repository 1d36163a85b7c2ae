/// A group's figure against a reference value (`dashboard-measures.md` §2): decided by its
/// interval, never by the point estimate alone.
public enum Standing: String, Sendable, Equatable, CaseIterable {
    case above, below, indistinguishable
    case lowN = "low n"

    public static func of(low: Double?, high: Double?, lowN: Bool, against reference: Double) -> Standing {
        guard !lowN, let low, let high else { return .lowN }
        if low > reference { return .above }
        if high < reference { return .below }
        return .indistinguishable
    }

    public var label: String {
        switch self {
        case .above: return "cao hơn"
        case .below: return "thấp hơn"
        case .indistinguishable: return "không khác biệt rõ"
        case .lowN: return "ít phiếu"
        }
    }
}

/// A group's figure against its target ("trên 93%", "đạt 90%").
public struct TargetStanding: Sendable, Equatable {
    public enum Outcome: String, Sendable, Equatable, CaseIterable {
        case met
        case notMet = "not met"
        case tooCloseToCall = "too close to call"
        case lowN = "low n"

        public var label: String {
            switch self {
            case .met: return "đạt mục tiêu"
            case .notMet: return "chưa đạt"
            case .tooCloseToCall: return "chưa phân định được"
            case .lowN: return "ít phiếu"
            }
        }
    }

    public var outcome: Outcome
    /// `E − t` and its interval `[L − t, H − t]`; nil where the figure is undefined.
    public var distance: Double?
    public var distanceLow: Double?
    public var distanceHigh: Double?

    public static func of(estimate: Double?, low: Double?, high: Double?, lowN: Bool, target: Target) -> TargetStanding {
        let t = target.percent
        let distances = (estimate.map { $0 - t }, low.map { $0 - t }, high.map { $0 - t })
        guard !lowN, let low, let high else { return TargetStanding(outcome: .lowN, distance: distances.0, distanceLow: distances.1, distanceHigh: distances.2) }
        let met = target.comparator == .above ? low > t : low >= t
        let outcome: Outcome = met ? .met : high < t ? .notMet : .tooCloseToCall
        return TargetStanding(outcome: outcome, distance: distances.0, distanceLow: distances.1, distanceHigh: distances.2)
    }
}
