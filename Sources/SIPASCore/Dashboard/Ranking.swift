/// Rankings with rank ranges (`dashboard-measures.md` §3): a rank and the ranks its interval
/// allows, so that units whose intervals overlap are never shown as meaningfully different.
public struct RankedEntry: Sendable, Equatable {
    public var code: String
    public var estimate: Double?
    public var low: Double?
    public var high: Double?
    public var lowN: Bool
    /// Nil for a low-n or undefined figure: listed after the ranked ones, without rank.
    public var rank: Int?
    public var bestRank: Int?
    public var worstRank: Int?

    public init(code: String, estimate: Double?, low: Double?, high: Double?, lowN: Bool) {
        self.code = code
        self.estimate = estimate
        self.low = low
        self.high = high
        self.lowN = lowN
    }
}

public enum Ranking {
    public static func rank(_ entries: [RankedEntry]) -> [RankedEntry] {
        func ranked(_ e: RankedEntry) -> Bool { !e.lowN && e.estimate != nil && e.low != nil && e.high != nil }
        var figures = entries.filter(ranked).sorted { a, b in
            a.estimate! != b.estimate! ? a.estimate! > b.estimate! : a.code < b.code
        }
        let count = figures.count
        for i in figures.indices {
            let u = figures[i]
            var above = 0, below = 0
            for (j, v) in figures.enumerated() where j != i {
                if v.low! > u.high! { above += 1 }
                if v.high! < u.low! { below += 1 }
            }
            figures[i].rank = i + 1
            figures[i].bestRank = 1 + above
            figures[i].worstRank = count - below
        }
        let rest = entries.filter { !ranked($0) }.sorted { $0.code < $1.code }
        return figures + rest
    }
}
