extension IndexAccumulator {
    /// Adds the responses of an accumulator filled from another part of the same file (parallel
    /// reading), translating its dense ids to this one's. Each map is indexed by the other's id.
    /// The result is the same as adding the other's responses here one by one, in order.
    public mutating func merge(_ other: IndexAccumulator, groups: [Int], subgroups: [Int], strata: [Int], psus: [Int]) {
        precondition(other.words == words && other.ownPsu == ownPsu && other.weighted == weighted)
        var cellMap = [UInt32](repeating: 0, count: other.cellGroup.count)
        for c in 0..<other.cellGroup.count {
            let cell = cellId(group: groups[Int(other.cellGroup[c])], subgroup: subgroups[Int(other.cellSubgroup[c])])
            cellMap[c] = cell
            let mine = Int(cell) * leafCount, theirs = c * leafCount
            for q in 0..<leafCount {
                cellCountSat[mine + q] += other.cellCountSat[theirs + q]
                cellCountValid[mine + q] += other.cellCountValid[theirs + q]
            }
            for k in 0..<nodeCount { cellNodeCount[Int(cell) * nodeCount + k] += other.cellNodeCount[c * nodeCount + k] }
        }
        rowCell.append(contentsOf: other.rowCell.lazy.map { cellMap[Int($0)] })
        rowWeight.append(contentsOf: other.rowWeight)
        rowBits.append(contentsOf: other.rowBits)
        if ownPsu {
            psuStratum.append(contentsOf: other.psuStratum.lazy.map { UInt32(strata[Int($0)]) })
        } else {
            rowPsu.append(contentsOf: other.rowPsu.lazy.map { UInt32(psus[Int($0)]) })
            for (p, h) in other.psuStratum.enumerated() where psus[p] >= psuStratum.count {
                precondition(psus[p] == psuStratum.count, "new PSUs arrive in order")
                psuStratum.append(UInt32(strata[Int(h)]))
            }
        }
        strataCount = max(strataCount, other.strataCount == 0 ? 0 : (strata.max() ?? -1) + 1)
    }
}
