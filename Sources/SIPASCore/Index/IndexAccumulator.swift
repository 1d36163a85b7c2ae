/// Accumulates responses and computes the estimates, standard errors and intervals of
/// `index-method.md`.
///
/// Adding a response updates exact counts per cell (a group, or a group × roll-up value) and keeps
/// the response in compact form (`ResponseRows`); `result` then sums weighted totals per (cell,
/// PSU) — or, when each response is its own PSU, makes a pass for each response's linearised
/// variables — and feeds PSU totals to per-(group, stratum) Welford accumulators. Memory is linear
/// in the number of responses but small per response; the CSV itself is never held. All sums run
/// over fixed blocks combined in order, so results are the same to the last digit whether a file
/// was read by one thread or several.
public struct IndexAccumulator {
    public let plan: IndexPlan
    let leafCount: Int
    let nodeCount: Int
    let words: Int
    let weighted: Bool
    let ownPsu: Bool

    /// Responses, in file order: earlier segments (parts merged in), then the one being filled.
    var earlier: [ResponseRows] = []
    var rows = ResponseRows()

    // Design: stratum of each PSU (PSU column); number of strata.
    var psuStratum: [UInt32] = []
    var strataCount = 0

    // Cells.
    var cellOfKey: [UInt64: UInt32] = [:]
    var lastCellKey: UInt64 = .max
    var lastCell: UInt32 = 0
    var cellGroup: [UInt32] = []
    var cellSubgroup: [UInt32] = []
    var cellNodeCount: [Int] = []

    // Count slots: a (cell, PSU) pair — or a cell, when each response is its own PSU — with exact
    // integer counts per leaf (the same in any order of addition) and the slot's weight while all
    // its responses share one (NaN once they differ). A weighted total is then weight × count, one
    // rounding, whatever the order responses arrived in.
    var slotOfKey: [UInt64: UInt32] = [:]
    var lastSlotKey: UInt64 = .max
    var lastSlot = 0
    var slotCell: [UInt32] = []
    var slotPsu: [UInt32] = []
    var slotWeight: [Double] = []
    var slotCountSat: [Int] = []
    var slotCountValid: [Int] = []
    let internalNodes: [Int]

    /// - Parameters:
    ///   - weighted: responses carry a design weight (otherwise every weight is 1).
    ///   - psuColumn: responses name their PSU; otherwise each response is its own PSU.
    public init(plan: IndexPlan, weighted: Bool, psuColumn: Bool, expectedRows: Int = 0) {
        self.plan = plan
        leafCount = plan.leaves.count
        nodeCount = plan.nodes.count
        words = plan.words
        self.weighted = weighted
        ownPsu = !psuColumn
        internalNodes = plan.nodes.indices.filter { plan.nodes[$0].leaf == nil }
        if expectedRows > 0 { rows.reserve(expectedRows, words: words, psuColumn: psuColumn, weighted: weighted) }
    }

    public var responseCount: Int { earlier.reduce(rows.count) { $0 + $1.count } }

    var segments: SegmentIndex { SegmentIndex(earlier + [rows]) }

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
        rows.cell.append(cell)
        if stratum >= strataCount { strataCount = stratum + 1 }
        if ownPsu {
            rows.stratum.append(UInt32(stratum))
        } else {
            rows.psu.append(UInt32(psu))
            while psuStratum.count <= psu { psuStratum.append(UInt32(stratum)) }
        }
        if weighted { rows.weight.append(weight) }
        for i in 0..<words { rows.bits.append(valid[i]) }
        for i in 0..<words { rows.bits.append(satisfied[i]) }

        let slot = countSlot(cell: cell, psu: ownPsu ? 0 : UInt32(psu), weight: weighted ? weight : 1)
        if slotWeight[slot] != weight && weighted { slotWeight[slot] = .nan }
        let leafBase = slot * leafCount
        for i in 0..<words {
            var bits = valid[i]
            let sat = satisfied[i]
            while bits != 0 {
                let b = bits.trailingZeroBitCount
                bits &= bits - 1
                let q = leafBase + i << 6 + b
                slotCountValid[q] += 1
                if sat & (1 << UInt64(b)) != 0 { slotCountSat[q] += 1 }
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
            cellNodeCount.append(contentsOf: repeatElement(0, count: nodeCount))
        }
        lastCellKey = key
        lastCell = cell
        return cell
    }

    @inline(__always)
    mutating func countSlot(cell: UInt32, psu: UInt32, weight: Double) -> Int {
        let key = UInt64(cell) << 32 | UInt64(psu)
        if key == lastSlotKey { return lastSlot }
        let slot: Int
        if let existing = slotOfKey[key] {
            slot = Int(existing)
        } else {
            slot = slotCell.count
            slotOfKey[key] = UInt32(slot)
            slotCell.append(cell)
            slotPsu.append(psu)
            slotWeight.append(weight)
            slotCountSat.append(contentsOf: repeatElement(0, count: leafCount))
            slotCountValid.append(contentsOf: repeatElement(0, count: leafCount))
        }
        lastSlotKey = key
        lastSlot = slot
        return slot
    }

    /// Exact counts per cell × leaf, from the count slots.
    func cellCounts() -> (sat: [Int], valid: [Int]) {
        var sat = [Int](repeating: 0, count: cellGroup.count * leafCount)
        var valid = sat
        for s in 0..<slotCell.count {
            let base = Int(slotCell[s]) * leafCount
            for q in 0..<leafCount {
                sat[base + q] += slotCountSat[s * leafCount + q]
                valid[base + q] += slotCountValid[s * leafCount + q]
            }
        }
        return (sat, valid)
    }

    /// Visits the valid leaves of response `local` of a segment: `body(leaf, satisfied)`.
    @inline(__always)
    func forEachValidLeaf(_ segment: ResponseRows, _ local: Int, _ body: (Int, Bool) -> Void) {
        let base = local * 2 * words
        for i in 0..<words {
            var v = segment.bits[base + i]
            let s = segment.bits[base + words + i]
            while v != 0 {
                let b = v.trailingZeroBitCount
                v &= v - 1
                body(i << 6 + b, s & (1 << UInt64(b)) != 0)
            }
        }
    }
}
