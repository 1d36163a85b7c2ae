import Foundation

/// Dividing a total sample over strata (sampling-method §4): quotas, largest remainders, then
/// bounds applied until nothing changes.
public struct Allocation: Sendable, Equatable {
    public enum Method: Sendable, Equatable {
        case proportional
        case equal
        /// Expected proportion per stratum key; strata not named use 0.5.
        case neyman(p: [String: Double])

        public var name: String {
            switch self {
            case .proportional: "proportional"
            case .equal: "equal"
            case .neyman: "neyman"
            }
        }
    }

    public var method: Method
    public var minimum: Int

    public init(method: Method = .proportional, minimum: Int = 0) {
        self.method = method
        self.minimum = minimum
    }

    public enum Refusal: Error, Equatable, Sendable {
        case totalExceedsPopulation(total: Int, population: Int)
        case minimumsExceedTotal(sumOfMinimums: Int, total: Int)
    }

    /// `strata` in any order; the answer is keyed like it.
    public func allocate(total n: Int, strata: [String: Int]) throws(Refusal) -> [String: Int] {
        let population = strata.values.reduce(0, +)
        if n > population { throw .totalExceedsPopulation(total: n, population: population) }
        let sumOfMinimums = strata.values.reduce(0) { $0 + min(minimum, $1) }
        if sumOfMinimums > n { throw .minimumsExceedTotal(sumOfMinimums: sumOfMinimums, total: n) }

        var fixed: [String: Int] = [:]
        var free = strata.keys.sorted(by: Self.codePointOrder)
        while true {
            let remaining = n - fixed.values.reduce(0, +)
            let quotas = largestRemainder(total: remaining, strata: free, sizes: strata)
            var changed = false
            for key in free {
                let size = strata[key]!, floor = min(minimum, size), got = quotas[key]!
                if got < floor { fixed[key] = floor; changed = true }
                else if got > size { fixed[key] = size; changed = true }
            }
            if !changed { return fixed.merging(quotas) { a, _ in a } }
            free.removeAll { fixed[$0] != nil }
            if free.isEmpty { return fixed }
        }
    }

    private func largestRemainder(total n: Int, strata keys: [String], sizes: [String: Int]) -> [String: Int] {
        guard !keys.isEmpty else { return [:] }
        let quotas: [Double]
        switch method {
        case .proportional:
            let N = keys.reduce(0) { $0 + sizes[$1]! }
            quotas = keys.map { N == 0 ? 0 : Double(n) * Double(sizes[$0]!) / Double(N) }
        case .equal:
            quotas = keys.map { _ in Double(n) / Double(keys.count) }
        case .neyman(let p):
            let weights = keys.map { key -> Double in
                let share = p[key] ?? 0.5
                return Double(sizes[key]!) * (share * (1 - share)).squareRoot()
            }
            let sum = weights.reduce(0, +)
            quotas = weights.map { sum == 0 ? 0 : Double(n) * $0 / sum }
        }
        var result: [String: Int] = [:]
        var given = 0
        for (key, q) in zip(keys, quotas) {
            let whole = q.isFinite ? Int(max(-1e15, min(1e15, q.rounded(.down)))) : 0
            result[key] = whole
            given += whole
        }
        // Stable sort over keys already in code-point order: ties go to the earlier key.
        let byRemainder = zip(keys, quotas).enumerated().sorted { a, b in
            let ra = a.element.1 - a.element.1.rounded(.down), rb = b.element.1 - b.element.1.rounded(.down)
            return ra != rb ? ra > rb : a.offset < b.offset
        }
        var left = n - given
        for entry in byRemainder where left > 0 {
            result[entry.element.0]! += 1
            left -= 1
        }
        return result
    }

    /// Unicode code-point order, which is UTF-8 byte order.
    public static func codePointOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
