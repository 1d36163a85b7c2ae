import Foundation
import SIPASCore

/// Turns the rows of a responses reader into accumulator input: maps grouping, roll-up and design
/// values to dense ids and the answers to leaf states. Parts of a file read in parallel each have
/// a sink; `absorb` merges one into another.
final class IndexRowSink {
    let by: [String]
    let byColumns: [Int?]
    let rollupColumn: Int?
    let hasRollup: Bool
    let stratumColumn: Int?
    let psuColumn: Int?
    let evaluator: ResponseEvaluator
    var accumulator: IndexAccumulator
    var groupValues: [CanonicalValues]
    let groups = ByteInterner()
    var groupKeys: [[String]]
    var rollupValues = CanonicalValues()
    var strata = CanonicalValues()
    var psuLabels = CanonicalValues()
    let psus = ByteInterner(capacity: 4096)
    private var valid: [UInt64]
    private var satisfied: [UInt64]
    private var keyParts: [UInt32]
    /// Groups beyond this many stop the computation (a grouping by an identifier would make one
    /// group per response): the rows are then skipped and the caller told.
    let maxGroups: Int
    private(set) var tooManyGroups = false

    init(reader: ResponsesCSVReader, by: [String], byColumns: [Int?], rollupColumn: Int?, hasRollup: Bool, expectedRows: Int,
         maxGroups: Int = .max) {
        self.maxGroups = maxGroups
        self.by = by
        self.byColumns = byColumns
        self.rollupColumn = rollupColumn
        self.hasRollup = hasRollup
        stratumColumn = reader.column(named: "stratum")
        psuColumn = reader.column(named: "psu")
        evaluator = reader.evaluator
        let plan = evaluator.plan
        accumulator = IndexAccumulator(plan: plan, weighted: reader.hasWeight, psuColumn: psuColumn != nil, expectedRows: expectedRows)
        groupValues = byColumns.map { _ in CanonicalValues() }
        groupKeys = by.isEmpty ? [[]] : []
        valid = [UInt64](repeating: 0, count: plan.words)
        satisfied = valid
        keyParts = [UInt32](repeating: 0, count: max(1, byColumns.count))
    }

    func consume(_ row: ResponsesCSVReader) {
        if tooManyGroups { return }
        var group = 0
        if !byColumns.isEmpty {
            for (k, column) in byColumns.enumerated() {
                keyParts[k] = UInt32(column.map { groupValues[k].id(in: row, column: $0) } ?? groupValues[k].blank())
            }
            group = internGroup(keyParts)
            if groupKeys.count > maxGroups {
                tooManyGroups = true
                return
            }
        }
        let subgroup = rollupColumn.map { rollupValues.id(in: row, column: $0) } ?? (hasRollup ? rollupValues.blank() : 0)
        let stratum = stratumColumn.map { strata.id(in: row, column: $0) } ?? 0
        var psu = 0
        if let psuColumn { psu = internPsu(stratum: stratum, label: psuLabels.id(in: row, column: psuColumn)) }
        valid.withUnsafeMutableBufferPointer { v in
            satisfied.withUnsafeMutableBufferPointer { s in
                evaluator.leafStates(row.currentValues, relevant: row.currentRelevance, valid: v.baseAddress!, satisfied: s.baseAddress!)
                accumulator.add(group: group, subgroup: subgroup, stratum: stratum, psu: psu,
                                weight: row.currentWeight, valid: v.baseAddress!, satisfied: s.baseAddress!)
            }
        }
    }

    private func internGroup(_ parts: [UInt32]) -> Int {
        let count = byColumns.count
        let group = parts.withUnsafeBytes { raw in
            groups.intern(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count * 4).id
        }
        if group == groupKeys.count {
            groupKeys.append((0..<count).map { groupValues[$0].text[Int(parts[$0])] })
        }
        return group
    }

    private func internPsu(stratum: Int, label: Int) -> Int {
        var key: (UInt32, UInt32) = (UInt32(stratum), UInt32(label))
        return withUnsafeBytes(of: &key) { psus.intern($0.baseAddress!.assumingMemoryBound(to: UInt8.self), 8).id }
    }

    /// Merges the sink of a later part of the file into this one.
    func absorb(_ other: IndexRowSink) {
        let columnMaps = zip(groupValues.indices, other.groupValues).map { groupValues[$0].merge($1) }
        var groupMap: [Int] = []
        for g in 0..<other.groupKeys.count where !by.isEmpty {
            let theirs = other.groups.bytes(of: g).withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
            groupMap.append(internGroup(theirs.enumerated().map { UInt32(columnMaps[$0][Int($1)]) }))
        }
        if by.isEmpty { groupMap = [0] }
        // Without a roll-up or a stratum column every response has id 0 there.
        let subgroupMap = hasRollup ? rollupValues.merge(other.rollupValues) : [0]
        let strataMap = stratumColumn == nil ? [0] : strata.merge(other.strata)
        let labelMap = psuLabels.merge(other.psuLabels)
        var psuMap: [Int] = []
        for p in 0..<other.psus.count {
            let key = other.psus.bytes(of: p).withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
            psuMap.append(internPsu(stratum: strataMap[Int(key[0])], label: labelMap[Int(key[1])]))
        }
        accumulator.merge(&other.accumulator, groups: groupMap, subgroups: subgroupMap, strata: strataMap, psus: psuMap)
    }

    func result(minN: Int) -> IndexResult {
        accumulator.result(groupColumns: by, groupKeys: groupKeys, minN: minN)
    }
}

/// Dense ids for the values of one column, where canonically equivalent spellings (NFC and NFD of
/// "Điềm He") are one value, shown in NFC.
struct CanonicalValues {
    private let raw = ByteInterner()
    private var canonicalOfRaw: [Int] = []
    private var index: [String: Int] = [:]
    private(set) var text: [String] = []

    mutating func id(in row: ResponsesCSVReader, column: Int) -> Int {
        let (p, n) = row.field(column)
        return id(p, n)
    }

    mutating func id(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        let (r, inserted) = raw.intern(p, n)
        if !inserted { return canonicalOfRaw[r] }
        let id = id(canonical: String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
            .precomposedStringWithCanonicalMapping)
        canonicalOfRaw.append(id)
        return id
    }

    private mutating func id(canonical value: String) -> Int {
        if let existing = index[value] { return existing }
        index[value] = text.count
        text.append(value)
        return text.count - 1
    }

    /// The id of the blank value (for a column absent from the file).
    mutating func blank() -> Int {
        var empty: UInt8 = 0
        return id(&empty, 0)
    }

    /// Adds another part's values; returns the id here of each of its ids.
    mutating func merge(_ other: CanonicalValues) -> [Int] {
        other.text.map { id(canonical: $0) }
    }
}
