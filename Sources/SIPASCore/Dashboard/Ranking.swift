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
        // Counts of intervals clearly above or below each one, by binary search over the sorted
        // ends: a unit's own interval never counts (its low end is not above its high end).
        let lows = figures.map { $0.low! }.sorted(), highs = figures.map { $0.high! }.sorted()
        for i in figures.indices {
            let above = count - firstIndex(in: lows) { $0 > figures[i].high! }
            let below = firstIndex(in: highs) { $0 >= figures[i].low! }
            figures[i].rank = i + 1
            figures[i].bestRank = 1 + above
            figures[i].worstRank = count - below
        }
        let rest = entries.filter { !ranked($0) }.sorted { $0.code < $1.code }
        return figures + rest
    }

    /// The first index of sorted `values` where `isAtOrPast` holds (it holds from there on).
    private static func firstIndex(in values: [Double], where isAtOrPast: (Double) -> Bool) -> Int {
        var low = 0, high = values.count
        while low < high {
            let mid = (low + high) / 2
            if isAtOrPast(values[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
