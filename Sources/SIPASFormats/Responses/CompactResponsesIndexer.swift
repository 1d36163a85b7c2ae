import Foundation
import SIPASCore

/// The index of compact stored responses, grouped and rolled up by unit or province. Ids are
/// given in order of first appearance and labels are compared in NFC exactly as `IndexRowSink`
/// does for a file, so the figures equal those of the same responses exported and read by the
/// file engine, to the last digit.
public enum CompactResponsesIndexer {
    /// The unit and province codes a response's unit shows as.
    public struct UnitKeys: Sendable {
        public var unit: String
        public var province: String
        public init(unit: String, province: String) {
            self.unit = unit
            self.province = province
        }
    }

    /// Columns this path can group by; others need the file engine.
    public static let columns: Set<String> = ["unit", "province"]

    public static func supports(by: [String], rollup: String?) -> Bool {
        by.allSatisfy(columns.contains) && rollup.map(columns.contains) ?? true
    }

    /// - Parameters:
    ///   - keys: codes of each unit slot of `rows` (`rows.unitIds` order).
    ///   - keep: which unit slots count (a scope); nil keeps every response, including those
    ///     without a unit.
    public static func run(_ rows: CompactResponses, plan: IndexPlan, by: [String], rollup: String?, minN: Int,
                           keys: [UnitKeys], keep: [Bool]?) -> (result: IndexResult, rows: Int) {
        let kept = keptRows(rows, keep: keep)
        var hasStratum = false, hasPsu = false, weighted = !kept.isEmpty
        for r in kept {
            if rows.stratum[r] >= 0 { hasStratum = true }
            if rows.psu[r] >= 0 { hasPsu = true }
            if rows.weight[r].isNaN { weighted = false }
        }
        var accumulator = IndexAccumulator(plan: plan, weighted: weighted, psuColumn: hasPsu, expectedRows: kept.count)
        var grouping = Grouping(by: by, rollup: rollup, keys: keys)
        var strata = LabelIds(rows.labels), psuLabels = LabelIds(rows.labels)
        var psuIds: [UInt64: Int] = [:]
        let words = rows.words
        rows.bits.withUnsafeBufferPointer { bits in
            for r in kept {
                let slot = Int(rows.unitSlot[r])
                let group = grouping.group(slot)
                let subgroup = grouping.subgroup(slot)
                let stratum = hasStratum ? strata.id(rows.stratum[r]) : 0
                var psu = 0
                if hasPsu {
                    let key = UInt64(stratum) << 32 | UInt64(psuLabels.id(rows.psu[r]))
                    if let id = psuIds[key] { psu = id } else { psu = psuIds.count; psuIds[key] = psu }
                }
                let base = bits.baseAddress! + r * 2 * words
                accumulator.add(group: group, subgroup: subgroup, stratum: stratum, psu: psu,
                                weight: weighted ? rows.weight[r] : 1, valid: base, satisfied: base + words)
            }
        }
        return (accumulator.result(groupColumns: by, groupKeys: grouping.groupKeys, minN: minN), kept.count)
    }

    private static func keptRows(_ rows: CompactResponses, keep: [Bool]?) -> [Int] {
        guard let keep else { return Array(0..<rows.count) }
        return (0..<rows.count).filter { r in
            let slot = rows.unitSlot[r]
            return slot >= 0 && keep[Int(slot)]
        }
    }

    /// Dense ids of NFC texts in order of first appearance; a missing value reads as blank.
    private struct TextIds {
        private var index: [String: Int] = [:]
        private(set) var texts: [String] = []

        mutating func id(_ text: String) -> Int {
            let canonical = text.precomposedStringWithCanonicalMapping
            if let id = index[canonical] { return id }
            index[canonical] = texts.count
            texts.append(canonical)
            return texts.count - 1
        }
    }

    /// Stratum or PSU label ids: raw label → id on first appearance (blank for none).
    private struct LabelIds {
        let labels: [String]
        var texts = TextIds()
        var ofLabel: [Int]
        var blank: Int?

        init(_ labels: [String]) {
            self.labels = labels
            ofLabel = [Int](repeating: -1, count: labels.count)
        }

        mutating func id(_ label: Int32) -> Int {
            guard label >= 0 else {
                if let blank { return blank }
                blank = texts.id("")
                return blank!
            }
            let l = Int(label)
            if ofLabel[l] < 0 { ofLabel[l] = texts.id(labels[l]) }
            return ofLabel[l]
        }
    }

    /// Group and roll-up ids of unit slots, assigned on first appearance like the file sink.
    private struct Grouping {
        let by: [String]
        let rollup: String?
        let keys: [UnitKeys]
        var columnTexts: [TextIds]
        var groupOfParts: [[Int]: Int] = [:]
        var groupKeys: [[String]]
        var rollupTexts = TextIds()
        var groupOfSlot: [Int]
        var subgroupOfSlot: [Int]
        var noUnitGroup: Int?
        var noUnitSubgroup: Int?

        init(by: [String], rollup: String?, keys: [UnitKeys]) {
            self.by = by
            self.rollup = rollup
            self.keys = keys
            columnTexts = by.map { _ in TextIds() }
            groupKeys = by.isEmpty ? [[]] : []
            groupOfSlot = [Int](repeating: -1, count: keys.count)
            subgroupOfSlot = groupOfSlot
        }

        private func text(_ column: String, _ slot: Int) -> String {
            guard slot >= 0 else { return "" }
            return column == "unit" ? keys[slot].unit : keys[slot].province
        }

        mutating func group(_ slot: Int) -> Int {
            if by.isEmpty { return 0 }
            if slot >= 0, groupOfSlot[slot] >= 0 { return groupOfSlot[slot] }
            if slot < 0, let noUnitGroup { return noUnitGroup }
            var parts: [Int] = []
            for (k, column) in by.enumerated() { parts.append(columnTexts[k].id(text(column, slot))) }
            let group: Int
            if let existing = groupOfParts[parts] {
                group = existing
            } else {
                group = groupKeys.count
                groupOfParts[parts] = group
                groupKeys.append(parts.enumerated().map { columnTexts[$0.offset].texts[$0.element] })
            }
            if slot >= 0 { groupOfSlot[slot] = group } else { noUnitGroup = group }
            return group
        }

        mutating func subgroup(_ slot: Int) -> Int {
            guard let rollup else { return 0 }
            if slot >= 0, subgroupOfSlot[slot] >= 0 { return subgroupOfSlot[slot] }
            if slot < 0, let noUnitSubgroup { return noUnitSubgroup }
            let id = rollupTexts.id(text(rollup, slot))
            if slot >= 0 { subgroupOfSlot[slot] = id } else { noUnitSubgroup = id }
            return id
        }
    }
}
