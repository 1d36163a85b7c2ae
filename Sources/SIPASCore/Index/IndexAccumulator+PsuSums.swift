/// Weighted leaf totals per (cell, PSU): everything the estimators need when responses name their
/// PSU. A node's linearised variable is linear in a response's weighted satisfied/valid indicators,
/// so its PSU total follows from these sums without visiting the responses again.
struct PsuSums {
    /// (cell, PSU) of each slot, in order of first appearance in the file.
    var cell: [UInt32] = []
    var psu: [UInt32] = []
    /// Per slot × leaf.
    var sat: [Double] = []
    var valid: [Double] = []
}

extension IndexAccumulator {
    /// Weight × count per (cell, PSU) when every PSU's responses share a weight (always so for
    /// unweighted data); otherwise sums over fixed blocks of responses in parallel, then block by
    /// block in order. Either way the same digits whatever the number of threads.
    func psuSums(_ index: SegmentIndex) -> PsuSums {
        if !slotWeight.contains(where: \.isNaN) {
            var sums = PsuSums(cell: slotCell, psu: slotPsu, sat: [], valid: [])
            sums.sat.reserveCapacity(slotCountSat.count)
            sums.valid.reserveCapacity(slotCountValid.count)
            for s in 0..<slotCell.count {
                let w = weighted ? slotWeight[s] : 1
                for q in 0..<leafCount {
                    sums.sat.append(w * Double(slotCountSat[s * leafCount + q]))
                    sums.valid.append(w * Double(slotCountValid[s * leafCount + q]))
                }
            }
            return sums
        }
        return rowPsuSums(index)
    }

    private func rowPsuSums(_ index: SegmentIndex) -> PsuSums {
        let blocks = FixedBlocks(count: index.total, size: Self.blockSize).map { range in blockSums(index, range) }
        var total = PsuSums()
        var slotOf: [UInt64: Int] = [:]
        for block in blocks {
            for b in 0..<block.cell.count {
                let key = UInt64(block.cell[b]) << 32 | UInt64(block.psu[b])
                let s: Int
                if let found = slotOf[key] {
                    s = found
                } else {
                    s = total.cell.count
                    slotOf[key] = s
                    total.cell.append(block.cell[b])
                    total.psu.append(block.psu[b])
                    total.sat.append(contentsOf: repeatElement(0, count: leafCount))
                    total.valid.append(contentsOf: repeatElement(0, count: leafCount))
                }
                for q in 0..<leafCount {
                    total.sat[s * leafCount + q] += block.sat[b * leafCount + q]
                    total.valid[s * leafCount + q] += block.valid[b * leafCount + q]
                }
            }
        }
        return total
    }

    private func blockSums(_ index: SegmentIndex, _ range: Range<Int>) -> PsuSums {
        var sums = PsuSums()
        var slotOf: [UInt64: Int] = [:]
        var lastKey = UInt64.max, last = 0
        for (s, local) in index.pieces(range) {
            let segment = index.segments[s]
            for r in local {
                let key = UInt64(segment.cell[r]) << 32 | UInt64(segment.psu[r])
                if key != lastKey {
                    if let found = slotOf[key] {
                        last = found
                    } else {
                        last = sums.cell.count
                        slotOf[key] = last
                        sums.cell.append(segment.cell[r])
                        sums.psu.append(segment.psu[r])
                        sums.sat.append(contentsOf: repeatElement(0, count: leafCount))
                        sums.valid.append(contentsOf: repeatElement(0, count: leafCount))
                    }
                    lastKey = key
                }
                let w = weighted ? segment.weight[r] : 1
                let base = last * leafCount
                forEachValidLeaf(segment, r) { q, satisfied in
                    sums.valid[base + q] += w
                    if satisfied { sums.sat[base + q] += w }
                }
            }
        }
        return sums
    }

    /// Cell totals from the PSU sums, adding PSUs in slot order.
    func cellTotals(_ sums: PsuSums) -> (sat: [Double], valid: [Double]) {
        var sat = [Double](repeating: 0, count: cellGroup.count * leafCount)
        var valid = sat
        for s in 0..<sums.cell.count {
            let base = Int(sums.cell[s]) * leafCount
            for q in 0..<leafCount {
                sat[base + q] += sums.sat[s * leafCount + q]
                valid[base + q] += sums.valid[s * leafCount + q]
            }
        }
        return (sat, valid)
    }

    /// Linearised variances per group × node from the PSU sums: for each (cell, PSU) the node
    /// totals are built bottom-up from the leaf totals `(S − R·V)/X`, summed per (group, PSU), and
    /// fed to the per-(group, stratum) Welford accumulators in PSU order.
    func psuVariance(_ sums: PsuSums, design: CellDesign, totals: (sat: [Double], valid: [Double]), groups: Int) -> [Double] {
        var psusInStratum = [Int](repeating: 0, count: strataCount)
        for h in psuStratum { psusInStratum[Int(h)] += 1 }
        // Slots ordered by PSU, then by first appearance.
        var order = Array(0..<sums.cell.count)
        order.sort { sums.psu[$0] != sums.psu[$1] ? sums.psu[$0] < sums.psu[$1] : $0 < $1 }

        let nodeLeaf = plan.nodeLeaf, childStart = plan.childStart, childNodes = plan.childNodes
        var z = [Double](repeating: 0, count: nodeCount)
        var slots = StratumSlots(groups: groups, strata: strataCount, width: nodeCount)
        var pendingGroups: [Int] = []
        var pendingTotals: [Double] = []
        var i = 0
        while i < order.count {
            let psu = sums.psu[order[i]]
            pendingGroups.removeAll(keepingCapacity: true)
            pendingTotals.removeAll(keepingCapacity: true)
            while i < order.count && sums.psu[order[i]] == psu {
                let s = order[i]
                let c = Int(sums.cell[s])
                for k in stride(from: nodeCount - 1, through: 0, by: -1) {
                    let q = nodeLeaf[k]
                    if q >= 0 {
                        let x = totals.valid[c * leafCount + q]
                        z[k] = x > 0 ? (sums.sat[s * leafCount + q] - totals.sat[c * leafCount + q] / x * sums.valid[s * leafCount + q]) / x : 0
                    } else {
                        var sum = 0.0
                        for j in childStart[k]..<childStart[k + 1] {
                            sum += design.childCoefficient[c * design.childSlots + j] * z[childNodes[j]]
                        }
                        z[k] = sum
                    }
                }
                let g = Int(cellGroup[c])
                var p = pendingGroups.firstIndex(of: g) ?? -1
                if p < 0 {
                    p = pendingGroups.count
                    pendingGroups.append(g)
                    pendingTotals.append(contentsOf: repeatElement(0, count: nodeCount))
                }
                for k in 0..<nodeCount { pendingTotals[p * nodeCount + k] += z[k] * design.outputFactor[c * nodeCount + k] }
                i += 1
            }
            pendingTotals.withUnsafeBufferPointer { t in
                for (p, g) in pendingGroups.enumerated() {
                    slots.add(group: g, stratum: Int(psuStratum[Int(psu)]),
                              total: UnsafeBufferPointer(rebasing: t[(p * nodeCount)..<((p + 1) * nodeCount)]))
                }
            }
        }
        return slots.variance(groups: groups, psusInStratum: psusInStratum)
    }
}
