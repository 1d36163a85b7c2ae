import Foundation

/// The re-check sub-sample (phúc tra, sampling-method §10): per enumerator, the
/// `max(1, ceil(p·m))` collected cases with the smallest `U(seed, "recheck", enumerator, key)`,
/// m being the enumerator's collected cases. Anyone with the seed can redo the choice.
public enum RecheckSelection {
    public static let defaultShare = 0.10

    public struct Collected: Sendable, Equatable {
        public var enumerator: String
        public var key: String
        public init(enumerator: String, key: String) {
            self.enumerator = enumerator
            self.key = key
        }
    }

    /// The chosen cases, per enumerator in U order.
    public static func select(_ collected: [Collected], seed: String, share: Double = defaultShare) -> [String: [String]] {
        let uniform = SeededUniform(seed: seed)
        var out: [String: [String]] = [:]
        for (enumerator, cases) in Dictionary(grouping: collected, by: \.enumerator) {
            let count = max(1, Int((share * Double(cases.count)).rounded(.up)))
            let ranked = cases.map { (u: uniform.value(["recheck", enumerator, $0.key]), key: $0.key) }
                .sorted { $0.u != $1.u ? $0.u < $1.u : $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) }
            out[enumerator] = ranked.prefix(count).map(\.key)
        }
        return out
    }
}
