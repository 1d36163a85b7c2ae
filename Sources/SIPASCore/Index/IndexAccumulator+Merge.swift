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
            for k in 0..<nodeCount { cellNodeCount[Int(cell) * nodeCount + k] += other.cellNodeCount[c * nodeCount + k] }
        }
        for o in 0..<other.slotCell.count {
            let psu = ownPsu ? 0 : UInt32(psus[Int(other.slotPsu[o])])
            let s = countSlot(cell: cellMap[Int(other.slotCell[o])], psu: psu, weight: other.slotWeight[o])
            // A PSU split between the parts keeps one weight only if both parts had the same.
            if slotWeight[s] != other.slotWeight[o] { slotWeight[s] = .nan }
            for q in 0..<leafCount {
                slotCountSat[s * leafCount + q] += other.slotCountSat[o * leafCount + q]
                slotCountValid[s * leafCount + q] += other.slotCountValid[o * leafCount + q]
            }
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
