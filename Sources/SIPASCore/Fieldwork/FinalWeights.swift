/// The final weight of each completed case (sampling-method §8): its design weight times
/// `n_c / m_c` in its last-stage stratum `c` — `n_c` the cases sampled there (reserves not
/// counted), `m_c` the completed cases there (reserves that replaced a case count as completed
/// cases of the same cell).
public enum FinalWeights {
    public struct Case: Sendable, Equatable {
        public var key: String
        public var cell: String
        public var designWeight: Double
        public var sampled: Bool
        public var completed: Bool
        public init(key: String, cell: String, designWeight: Double, sampled: Bool, completed: Bool) {
            self.key = key
            self.cell = cell
            self.designWeight = designWeight
            self.sampled = sampled
            self.completed = completed
        }
    }

    /// Completed case key → final weight.
    public static func compute(_ cases: [Case]) -> [String: Double] {
        var sampled: [String: Int] = [:], completed: [String: Int] = [:]
        for c in cases {
            if c.sampled { sampled[c.cell, default: 0] += 1 }
            if c.completed { completed[c.cell, default: 0] += 1 }
        }
        var out: [String: Double] = [:]
        for c in cases where c.completed {
            out[c.key] = c.designWeight * Double(sampled[c.cell] ?? 0) / Double(completed[c.cell]!)
        }
        return out
    }
}
