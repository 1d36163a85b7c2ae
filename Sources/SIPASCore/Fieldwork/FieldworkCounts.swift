/// A group's cases by disposition (sampling-method §10) and the rates read from them. "Cases" are
/// the sampled cases plus the reserves released so far; a case nobody has been given yet counts
/// as `unassigned`.
public struct FieldworkCounts: Sendable, Equatable {
    public var unassigned = 0
    public var byDisposition: [Disposition: Int] = [:]
    /// Cases of the drawn sample (no reserves), and those collected and ineligible among them.
    public var sampled = 0
    public var sampledCollected = 0
    public var sampledIneligible = 0
    /// Cases not settled after the fieldwork phase's last day.
    public var overdue = 0

    public init() {}

    public subscript(_ d: Disposition) -> Int { byDisposition[d] ?? 0 }

    public var cases: Int { unassigned + byDisposition.values.reduce(0, +) }

    /// Adds `count` cases alike.
    public mutating func add(_ disposition: Disposition?, sampled isSampled: Bool, overdue isOverdue: Bool, count: Int = 1) {
        if let disposition { byDisposition[disposition, default: 0] += count } else { unassigned += count }
        if isSampled {
            sampled += count
            if disposition == .collected { sampledCollected += count }
            if disposition == .ineligible { sampledIneligible += count }
        }
        if isOverdue { overdue += count }
    }

    public mutating func add(_ other: FieldworkCounts) {
        unassigned += other.unassigned
        for (d, n) in other.byDisposition { byDisposition[d, default: 0] += n }
        sampled += other.sampled
        sampledCollected += other.sampledCollected
        sampledIneligible += other.sampledIneligible
        overdue += other.overdue
    }

    /// §10: collected / (cases − ineligible); a replaced case is a non-respondent and its reserve a
    /// case of its own. Nil when there is no eligible case.
    public var responseRate: Double? { Self.ratio(self[.collected], cases - self[.ineligible]) }

    /// AAPOR RR1 on the drawn sample alone, as AAPOR asks when substitutes are used: the sampled
    /// cases collected over the sampled cases not known to be ineligible (cases still open count as
    /// eligible non-respondents); reserves that replaced a case are not in it.
    public var rr1: Double? { Self.ratio(sampledCollected, sampled - sampledIneligible) }

    /// AAPOR COOP1: collected over the cases reached with an outcome — collected or refused.
    public var cooperationRate: Double? { Self.ratio(self[.collected], self[.collected] + self[.refused]) }

    /// AAPOR REF1: refusals over the cases not known to be ineligible.
    public var refusalRate: Double? { Self.ratio(self[.refused], cases - self[.ineligible]) }

    static func ratio(_ a: Int, _ b: Int) -> Double? { b > 0 ? Double(a) / Double(b) : nil }
}
