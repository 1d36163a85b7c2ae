import Foundation
import SIPASCore

/// Computes the index of a responses file: streams the rows through the reader, maps grouping and
/// design values to dense ids, and feeds the core accumulator.
public enum ResponsesIndexer {
    public struct Outcome: Sendable {
        public var result: IndexResult
        public var warnings: RelevanceWarnings
        public var rows: Int
    }

    /// The request names a column the file does not have.
    public struct UnknownColumn: Error, CustomStringConvertible {
        public var name: String
        public var option: String
        public var available: [String]
        public var description: String {
            "\(option): không có cột \"\(name)\" trong tệp; các cột có: \(available.joined(separator: ", ")) (no column \"\(name)\" in the file)"
        }
    }

    public static func run(
        reader: ResponsesCSVReader, by: [String], rollupOf rollup: String?, minN: Int,
        expectedRows: Int = 0, progress: ((Int, Int) -> Void)? = nil
    ) throws -> Outcome {
        guard reader.readHeader() else { throw reader.failure! }
        func resolve(_ name: String, _ option: String) throws -> Int? {
            if let c = reader.column(named: name) { return c }
            if reader.questionnaire.item(name) != nil { return nil }  // an absent item is blank everywhere
            throw UnknownColumn(name: name, option: option, available: reader.header)
        }
        let byColumns = try by.map { try resolve($0, "--by") }
        let rollupColumn = try rollup.map { try resolve($0, "--rollup-mean-of") } ?? nil
        let stratumColumn = reader.column(named: "stratum")
        let psuColumn = reader.column(named: "psu")

        let evaluator = reader.evaluator
        let plan = evaluator.plan
        var accumulator = IndexAccumulator(plan: plan, weighted: reader.hasWeight, psuColumn: psuColumn != nil,
                                           expectedRows: expectedRows)
        var groupValues = byColumns.map { _ in CanonicalValues() }
        let groups = ByteInterner()
        var groupKeys: [[String]] = by.isEmpty ? [[]] : []
        var rollupValues = CanonicalValues()
        var strata = CanonicalValues()
        var psuLabels = CanonicalValues()
        let psus = ByteInterner(capacity: 4096)
        var valid = [UInt64](repeating: 0, count: plan.words)
        var satisfied = [UInt64](repeating: 0, count: plan.words)
        var keyParts = [UInt32](repeating: 0, count: max(1, byColumns.count))

        reader.readRows(progress: progress) { row in
            var group = 0
            if !byColumns.isEmpty {
                for (k, column) in byColumns.enumerated() {
                    keyParts[k] = UInt32(column.map { groupValues[k].id(in: row, column: $0) } ?? groupValues[k].blank())
                }
                group = keyParts.withUnsafeBytes { raw in
                    groups.intern(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), byColumns.count * 4).id
                }
                if group == groupKeys.count {
                    groupKeys.append(keyParts.prefix(byColumns.count).enumerated().map { groupValues[$0].text[Int($1)] })
                }
            }
            let subgroup = rollupColumn.map { rollupValues.id(in: row, column: $0) } ?? (rollup == nil ? 0 : rollupValues.blank())
            let stratum = stratumColumn.map { strata.id(in: row, column: $0) } ?? 0
            var psu = 0
            if let psuColumn {
                var key: (UInt32, UInt32) = (UInt32(stratum), UInt32(psuLabels.id(in: row, column: psuColumn)))
                psu = withUnsafeBytes(of: &key) { psus.intern($0.baseAddress!.assumingMemoryBound(to: UInt8.self), 8).id }
            }
            valid.withUnsafeMutableBufferPointer { v in
                satisfied.withUnsafeMutableBufferPointer { s in
                    evaluator.leafStates(row.currentValues, relevant: row.currentRelevance,
                                                valid: v.baseAddress!, satisfied: s.baseAddress!)
                    accumulator.add(group: group, subgroup: subgroup, stratum: stratum, psu: psu,
                                    weight: row.currentWeight, valid: v.baseAddress!, satisfied: s.baseAddress!)
                }
            }
        }
        if let failure = reader.failure { throw failure }
        let result = accumulator.result(groupColumns: by, groupKeys: groupKeys, minN: minN)
        return Outcome(result: result, warnings: reader.relevanceWarnings, rows: accumulator.responseCount)
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
        row.withField(column) { p, n in id(p, n) }
    }

    mutating func id(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        let (r, inserted) = raw.intern(p, n)
        if !inserted { return canonicalOfRaw[r] }
        let value = String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
            .precomposedStringWithCanonicalMapping
        let id: Int
        if let existing = index[value] {
            id = existing
        } else {
            id = text.count
            index[value] = id
            text.append(value)
        }
        canonicalOfRaw.append(id)
        return id
    }

    /// The id of the blank value (for a column absent from the file).
    mutating func blank() -> Int {
        var empty: UInt8 = 0
        return id(&empty, 0)
    }
}
