import Foundation

/// How many to sample from a population of size N (sampling-method §3), rounded up and never more
/// than N.
public enum SizeRule: Sendable, Equatable {
    /// The Ministry's formula: `ceil(N / (1 + N·e²))`.
    case yamane(e: Double)
    /// `n0 = z²·p·(1−p)/e²`, finite-population corrected, inflated by the design effect and
    /// divided by the expected response rate.
    case cochran(e: Double, p: Double, deff: Double, rr: Double)
    case fixed(count: Int)

    public static let z = 1.959964
    /// No sample or reserve is larger: designs asking more are refused, and no conversion overflows.
    public static let largestCount = 100_000_000

    /// A size as a whole number, whatever the arithmetic gave (NaN and overflow included).
    static func whole(_ value: Double) -> Int {
        guard value.isFinite, value > 0 else { return 0 }
        return value >= Double(largestCount) ? largestCount : Int(value)
    }

    public func size(population N: Int) -> Int {
        guard N > 0 else { return 0 }
        let n: Double
        switch self {
        case .yamane(let e):
            let big = Double(N)
            n = (big / (1 + big * e * e)).rounded(.up)
        case .cochran(let e, let p, let deff, let rr):
            let n0 = Self.z * Self.z * p * (1 - p) / (e * e)
            let n1 = n0 / (1 + (n0 - 1) / Double(N))
            n = (n1 * deff / rr).rounded(.up)
        case .fixed(let count):
            return min(count, N)
        }
        return n >= Double(N) ? N : Self.whole(n)
    }

    /// The most `size` can give for any N: what a one-pass draw must keep per stratum.
    public var largestSize: Int {
        switch self {
        case .yamane(let e): return Self.whole((1 / (e * e)).rounded(.up)) + 1
        case .cochran(let e, let p, let deff, let rr):
            let n0 = Self.z * Self.z * p * (1 - p) / (e * e)
            return Self.whole((n0 * deff / rr).rounded(.up)) + 1
        case .fixed(let count): return min(count, Self.largestCount)
        }
    }

    public var name: String {
        switch self {
        case .yamane: "yamane"
        case .cochran: "cochran"
        case .fixed: "fixed"
        }
    }
}

/// Reserves kept after the sample of a stratum, in draw order (§5).
public enum ReserveRule: Sendable, Equatable {
    case ratio(Double)
    case count(Int)

    public static let standard = ReserveRule.ratio(0.5)

    public func reserves(sample n: Int, population N: Int) -> Int {
        let wanted: Int
        switch self {
        case .ratio(let r): wanted = SizeRule.whole((r * Double(n)).rounded(.up))
        case .count(let c): wanted = c
        }
        return max(0, min(wanted, N - n))
    }

    public func largest(sample n: Int) -> Int {
        switch self {
        case .ratio(let r): SizeRule.whole((r * Double(n)).rounded(.up))
        case .count(let c): min(c, SizeRule.largestCount)
        }
    }
}
