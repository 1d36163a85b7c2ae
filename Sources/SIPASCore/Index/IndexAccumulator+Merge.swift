extension IndexAccumulator {
    /// Adds the responses of an accumulator filled from a later part of the same file (parallel
    /// reading), translating its dense ids to this one's. Each map is indexed by the other's id.
    /// The other's responses move over as segments after this one's, without copying; `other` is
    /// left empty.
    public mutating func merge(_ other: inout IndexAccumulator, groups: [Int], subgroups: [Int], strata: [Int], psus: [Int]) {
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
        if !ownPsu {
            for (p, h) in other.psuStratum.enumerated() where psus[p] >= psuStratum.count {
                precondition(psus[p] == psuStratum.count, "new PSUs arrive in order")
                psuStratum.append(UInt32(strata[Int(h)]))
            }
        }
        var moved = other.earlier + [other.rows]
        other.earlier = []
        other.rows = ResponseRows()
        earlier.append(rows)
        for s in moved.indices {
            moved[s].cell.withUnsafeMutableBufferPointer { cell in
                for i in cell.indices { cell[i] = cellMap[Int(cell[i])] }
            }
            moved[s].psu.withUnsafeMutableBufferPointer { psu in
                for i in psu.indices { psu[i] = UInt32(psus[Int(psu[i])]) }
            }
            moved[s].stratum.withUnsafeMutableBufferPointer { stratum in
                for i in stratum.indices { stratum[i] = UInt32(strata[Int(stratum[i])]) }
            }
        }
        earlier.append(contentsOf: moved.dropLast())
        rows = moved.last!
        strataCount = max(strataCount, other.strataCount == 0 ? 0 : (strata.max() ?? -1) + 1)
    }
}
