/// Accumulates responses and computes the estimates, standard errors and intervals of
/// `index-method.md`.
///
/// One pass collects weighted totals per cell (a group, or a group × roll-up value) and keeps each
/// response in a compact form (cell, PSU, weight, leaf bits: ~32 bytes); `result` then evaluates
/// the trees and makes a second pass over the compact rows for the linearised variables, whose
/// PSU totals feed a per-(group, stratum) Welford accumulator. Memory is therefore linear in the
/// number of responses but small per response; the CSV itself is never held.
public struct IndexAccumulator {
    public let plan: IndexPlan
    let leafCount: Int
    let nodeCount: Int
    let words: Int
    let weighted: Bool

    // Compact rows.
    var rowCell: [UInt32] = []
    var rowPsu: [UInt32] = []
    var rowWeight: [Double] = []
    var rowBits: [UInt64] = []

    // Design: stratum of each PSU; PSUs per stratum.
    var psuStratum: [UInt32] = []
    var strataCount = 0
    var ownPsu: Bool

    // Cells.
    var cellOfKey: [UInt64: UInt32] = [:]
    var lastCellKey: UInt64 = .max
    var lastCell: UInt32 = 0
    var cellGroup: [UInt32] = []
    var cellSubgroup: [UInt32] = []
    // Counts are exact integers, so parts added in any order give the same totals; weighted totals
    // are summed in `result`, in file order, so that threads never change the last digit.
    var cellCountSat: [Int] = []
    var cellCountValid: [Int] = []
    var cellNodeCount: [Int] = []
    let internalNodes: [Int]

    /// - Parameters:
    ///   - weighted: responses carry a design weight (otherwise every weight is 1).
    ///   - psuColumn: responses name their PSU; otherwise each response is its own PSU.
    /// Weighted totals Σw·sat and Σw·valid per cell × leaf, in response order.
    func weightedTotals() -> (sat: [Double], valid: [Double]) {
        guard weighted else { return (cellCountSat.map(Double.init), cellCountValid.map(Double.init)) }
        var sat = [Double](repeating: 0, count: cellCountSat.count)
        var valid = sat
        for r in 0..<rowCell.count {
            let base = Int(rowCell[r]) * leafCount, bits = r * 2 * words, w = rowWeight[r]
            for i in 0..<words {
                var v = rowBits[bits + i]
                let s = rowBits[bits + words + i]
                while v != 0 {
                    let b = v.trailingZeroBitCount
                    v &= v - 1
                    valid[base + i << 6 + b] += w
                    if s & (1 << UInt64(b)) != 0 { sat[base + i << 6 + b] += w }
                }
            }
        }
        return (sat, valid)
    }

    public init(plan: IndexPlan, weighted: Bool, psuColumn: Bool, expectedRows: Int = 0) {
        self.plan = plan
        leafCount = plan.leaves.count
        nodeCount = plan.nodes.count
        words = plan.words
        self.weighted = weighted
        ownPsu = !psuColumn
        internalNodes = plan.nodes.indices.filter { plan.nodes[$0].leaf == nil }
        if expectedRows > 0 {
            rowCell.reserveCapacity(expectedRows)
            rowBits.reserveCapacity(expectedRows * 2 * words)
            if psuColumn { rowPsu.reserveCapacity(expectedRows) } else { psuStratum.reserveCapacity(expectedRows) }
            if weighted { rowWeight.reserveCapacity(expectedRows) }
        }
    }

    public var responseCount: Int { rowCell.count }

    /// Adds one response.
    /// - Parameters:
    ///   - group: dense id of the output group (0 without grouping).
    ///   - subgroup: dense id of the roll-up value inside the group (0 without roll-up).
    ///   - stratum: dense stratum id (0 without a stratum column).
    ///   - psu: dense PSU id, unique across strata; ignored when responses are their own PSUs.
    @inline(__always)
    public mutating func add(group: Int, subgroup: Int, stratum: Int, psu: Int, weight: Double,
                    valid: UnsafePointer<UInt64>, satisfied: UnsafePointer<UInt64>) {
        let cell = cellId(group: group, subgroup: subgroup)
        rowCell.append(cell)
        if stratum >= strataCount { strataCount = stratum + 1 }
        if ownPsu {
            psuStratum.append(UInt32(stratum))
        } else {
            rowPsu.append(UInt32(psu))
            while psuStratum.count <= psu { psuStratum.append(UInt32(stratum)) }
        }
        if weighted { rowWeight.append(weight) }
        for i in 0..<words { rowBits.append(valid[i]) }
        for i in 0..<words { rowBits.append(satisfied[i]) }

        let leafBase = Int(cell) * leafCount
        for i in 0..<words {
            var bits = valid[i]
            let sat = satisfied[i]
            while bits != 0 {
                let b = bits.trailingZeroBitCount
                bits &= bits - 1
                let q = leafBase + i << 6 + b
                cellCountValid[q] += 1
                if sat & (1 << UInt64(b)) != 0 { cellCountSat[q] += 1 }
            }
        }
        let nodeBase = Int(cell) * nodeCount
        for k in internalNodes {
            let maskBase = k * words
            for i in 0..<words where valid[i] & plan.masks[maskBase + i] != 0 {
                cellNodeCount[nodeBase + k] += 1
                break
            }
        }
    }

    @inline(__always)
    mutating func cellId(group: Int, subgroup: Int) -> UInt32 {
        let key = UInt64(group) << 32 | UInt64(subgroup)
        if key == lastCellKey { return lastCell }
        let cell: UInt32
        if let existing = cellOfKey[key] {
            cell = existing
        } else {
            cell = UInt32(cellGroup.count)
            cellOfKey[key] = cell
            cellGroup.append(UInt32(group))
            cellSubgroup.append(UInt32(subgroup))
            cellCountSat.append(contentsOf: repeatElement(0, count: leafCount))
            cellCountValid.append(contentsOf: repeatElement(0, count: leafCount))
            cellNodeCount.append(contentsOf: repeatElement(0, count: nodeCount))
        }
        lastCellKey = key
        lastCell = cell
        return cell
    }
}
