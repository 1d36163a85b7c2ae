import Foundation

/// An area of an areas file as a stage reads it.
public struct AreaRecord: Sendable, Equatable {
    public var parent: String
    public var key: String
    /// The size measure as written (pps stages only).
    public var size: String?

    public init(parent: String, key: String, size: String?) {
        self.parent = parent
        self.key = key
        self.size = size
    }
}

/// A selected area, with what the stages below and the weights need.
public struct SelectedArea: Sendable, Equatable {
    public var key: String
    /// Product of the inclusion probabilities of the stages down to this area.
    public var probability: Double
    /// The first stage's stratum (its parent key) and the area selected at the first stage (PSU).
    public var firstStratum: String
    public var psu: String
}

/// Selection of areas within each parent (sampling-method §6 for pps, §5 for srs).
public enum AreaSelection {
    /// - Parameter above: areas selected at the stage above, by key (nil for the first stage,
    ///   whose parents are its strata).
    public static func select(stage: AreaStage, areas: [AreaRecord], above: [String: SelectedArea]?,
                              uniform: SeededUniform) throws(SamplingError) -> (rows: [DrawRow], selected: [String: SelectedArea]) {
        var seen = Set<String>()
        var byParent: [String: [(key: String, size: Double)]] = [:]
        for area in areas {
            if !seen.insert(area.key).inserted { throw .duplicateKey(stage: stage.name, key: area.key) }
            if let above, above[area.parent] == nil { continue }
            var size = 1.0
            if stage.method == .pps {
                let text = area.size ?? ""
                guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, value < 1e15 else {
                    throw .sizeNotANumber(stage: stage.name, area: area.key, value: text)
                }
                if value <= 0 { throw .sizeNotPositive(stage: stage.name, area: area.key, value: text) }
                size = value
            }
            byParent[area.parent, default: []].append((area.key, size))
        }
        var rows: [DrawRow] = []
        var selected: [String: SelectedArea] = [:]
        for parent in byParent.keys.sorted(by: Allocation.codePointOrder) {
            let members = byParent[parent]!.sorted { Allocation.codePointOrder($0.key, $1.key) }
            let picks = stage.method == .pps
                ? systematicPPS(members, count: stage.count, uniform: uniform, stage: stage.name, parent: parent)
                : orderedSRS(members, count: stage.count, uniform: uniform, stage: stage.name, parent: parent)
            let upper = above?[parent]
            for (order, pick) in picks.enumerated() {
                rows.append(DrawRow(stage: stage.name, stratum: parent, key: pick.key, role: pick.role, order: order + 1, pi: pick.pi))
                selected[pick.key] = SelectedArea(
                    key: pick.key, probability: (upper?.probability ?? 1) * pick.pi,
                    firstStratum: upper?.firstStratum ?? parent, psu: upper?.psu ?? pick.key)
            }
        }
        return (rows, selected)
    }

    typealias Pick = (key: String, role: DrawRow.Role, pi: Double)

    /// Certainty areas first, then a systematic pass over cumulative sizes; picks in key order.
    static func systematicPPS(_ areas: [(key: String, size: Double)], count: Int, uniform: SeededUniform,
                              stage: String, parent: String) -> [Pick] {
        var n = min(count, areas.count)
        var remaining = areas
        var certain = Set<String>()
        while n > 0 {
            let total = remaining.reduce(0) { $0 + $1.size }
            let sure = remaining.filter { Double(n) * $0.size / total >= 1 }
            if sure.isEmpty { break }
            for area in sure { certain.insert(area.key) }
            remaining.removeAll { certain.contains($0.key) }
            n -= sure.count
        }
        var chosen: [String: Double] = [:]
        if n > 0 {
            let total = remaining.reduce(0) { $0 + $1.size }
            let interval = total / Double(n)
            let start = uniform.value([stage, parent, "start"]) * interval
            var j = 0
            var cumulative = 0.0
            for area in remaining where j < n {
                let lower = cumulative
                cumulative += area.size
                let point = start + Double(j) * interval
                if point >= lower && point < cumulative {
                    chosen[area.key] = Double(n) * area.size / total
                    j += 1
                }
            }
        }
        return areas.compactMap { area in
            if certain.contains(area.key) { return (area.key, .certainty, 1.0) }
            if let pi = chosen[area.key] { return (area.key, .sample, pi) }
            return nil
        }
    }

    /// Areas of unknown size: the `count` smallest U within the parent, π = n/N, in U order.
    static func orderedSRS(_ areas: [(key: String, size: Double)], count: Int, uniform: SeededUniform,
                           stage: String, parent: String) -> [Pick] {
        let n = min(count, areas.count)
        let ranked = areas.map { (key: $0.key, u: uniform.value([stage, parent, $0.key])) }
            .sorted { $0.u != $1.u ? $0.u < $1.u : Allocation.codePointOrder($0.key, $1.key) }
        return ranked.prefix(n).map { ($0.key, .sample, Double(n) / Double(areas.count)) }
    }
}
