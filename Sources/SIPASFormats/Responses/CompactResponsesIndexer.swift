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

    /// A column this path can group by: a design column or a single-choice item.
    enum Column {
        case unit, province, channel
        /// Position in `CompactResponses.codedItems`.
        case item(Int)
    }

    /// The column a name means, as an export's header would resolve it (design columns first).
    static func column(_ name: String, rows: CompactResponses, questionnaire: Questionnaire) -> Column? {
        switch name {
        case "unit": return .unit
        case "province": return .province
        case "channel": return .channel
        default:
            guard let item = questionnaire.items.firstIndex(where: { $0.code == name }), !rows.ungroupable.contains(item),
                  let k = rows.codedItems.firstIndex(of: item) else { return nil }
            return .item(k)
        }
    }

    /// The index, or nil when a column is one this path cannot group by (an attribute, a
    /// multiple-choice or free-text item…): the caller then uses the file engine.
    /// - Parameters:
    ///   - keys: codes of each unit slot of `rows` (`rows.unitIds` order).
    ///   - keep: which unit slots count (a scope); nil keeps every response, including those
    ///     without a unit.
    ///   - limit: only the first responses in storage order (a release's state), or all.
    public static func run(_ rows: CompactResponses, questionnaire: Questionnaire, plan: IndexPlan, by: [String], rollup: String?,
                           minN: Int, keys: [UnitKeys], keep: [Bool]?, limit: Int? = nil) -> (result: IndexResult, rows: Int)? {
        guard by.count <= 4, let byColumns = Optional(by.compactMap { column($0, rows: rows, questionnaire: questionnaire) }),
              byColumns.count == by.count else { return nil }
        let rollupColumn = rollup.map { column($0, rows: rows, questionnaire: questionnaire) }
        if case .some(.none) = rollupColumn { return nil }
        let kept = keptRows(rows, keep: keep, limit: min(limit ?? rows.count, rows.count))
        var hasStratum = false, hasPsu = false, weighted = !kept.isEmpty
        for r in kept {
            if rows.stratum[r] >= 0 { hasStratum = true }
            if rows.psu[r] >= 0 { hasPsu = true }
            if rows.weight[r].isNaN { weighted = false }
        }
        var accumulator = IndexAccumulator(plan: plan, weighted: weighted, psuColumn: hasPsu, expectedRows: kept.count)
        var groups = ColumnValues.many(byColumns, rows, keys)
        var subgroups = rollupColumn.flatMap { $0 }.map { ColumnValues($0, rows, keys) }
        var groupOfKey: [UInt64: Int] = [:]
        var groupKeys: [[String]] = by.isEmpty ? [[]] : []
        var strata = LabelIds(rows.labels), psuLabels = LabelIds(rows.labels)
        var psuIds: [UInt64: Int] = [:]
        let words = rows.words
        var parts = [Int](repeating: 0, count: byColumns.count)
        var overflow = false
        rows.bits.withUnsafeBufferPointer { bits in
            for r in kept {
                var group = 0
                if byColumns.count == 1 {
                    // One column: its values' first appearances are the groups' first appearances.
                    group = groups[0].id(r)
                    if group == groupKeys.count { groupKeys.append([groups[0].texts.texts[group]]) }
                } else if !byColumns.isEmpty {
                    var key: UInt64 = 0
                    for k in parts.indices {
                        parts[k] = groups[k].id(r)
                        if parts[k] >= 1 << 16 { overflow = true }
                        key = key << 16 | UInt64(parts[k] & 0xFFFF)
                    }
                    if let g = groupOfKey[key] {
                        group = g
                    } else {
                        group = groupKeys.count
                        groupOfKey[key] = group
                        groupKeys.append(parts.indices.map { groups[$0].texts.texts[parts[$0]] })
                    }
                }
                let subgroup = subgroups?.id(r) ?? 0
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
        // More than 65,536 values in a grouping column: the packed keys would collide.
        if overflow { return nil }
        return (accumulator.result(groupColumns: by, groupKeys: groupKeys, minN: minN), kept.count)
    }

    private static func keptRows(_ rows: CompactResponses, keep: [Bool]?, limit: Int) -> [Int] {
        guard let keep else { return Array(0..<limit) }
        return (0..<limit).filter { r in
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

    /// The values of one grouping column as dense NFC text ids in order of first appearance, as the
    /// file sink gives them; each raw value (unit slot, label, code) is turned into text once.
    private struct ColumnValues {
        let column: Column
        let rows: CompactResponses
        let keys: [UnitKeys]
        var texts = TextIds()
        var idOfRaw: [Int]

        init(_ column: Column, _ rows: CompactResponses, _ keys: [UnitKeys]) {
            self.column = column
            self.rows = rows
            self.keys = keys
            switch column {
            case .unit, .province: idOfRaw = [Int](repeating: -1, count: keys.count + 1)
            case .channel: idOfRaw = [Int](repeating: -1, count: rows.labels.count)
            case .item: idOfRaw = [Int](repeating: -1, count: 256)
            }
        }

        static func many(_ columns: [Column], _ rows: CompactResponses, _ keys: [UnitKeys]) -> [ColumnValues] {
            columns.map { ColumnValues($0, rows, keys) }
        }

        mutating func id(_ r: Int) -> Int {
            let raw: Int
            switch column {
            case .unit, .province: raw = Int(rows.unitSlot[r]) + 1
            case .channel: raw = Int(rows.channel[r])
            case let .item(k): raw = Int(rows.codes[k][r])
            }
            if idOfRaw[raw] < 0 { idOfRaw[raw] = texts.id(text(raw)) }
            return idOfRaw[raw]
        }

        private func text(_ raw: Int) -> String {
            switch column {
            case .unit: return raw == 0 ? "" : keys[raw - 1].unit
            case .province: return raw == 0 ? "" : keys[raw - 1].province
            case .channel: return rows.labels[raw]
            case .item: return raw == Int(CompactResponses.blankCode) ? "" : String(raw)
            }
        }
    }
}
