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
    private var slotOf: [UInt64: Int] = [:]

    init() {}

    init(cell: [UInt32], psu: [UInt32], sat: [Double], valid: [Double]) {
        self.cell = cell
        self.psu = psu
        self.sat = sat
        self.valid = valid
    }

    /// The slot of (cell, PSU), added with zero totals when new.
    mutating func slot(cell c: UInt32, psu p: UInt32, leaves: Int) -> Int {
        let key = UInt64(c) << 32 | UInt64(p)
        if let found = slotOf[key] { return found }
        let s = cell.count
        slotOf[key] = s
        cell.append(c)
        psu.append(p)
        sat.append(contentsOf: repeatElement(0, count: leaves))
        valid.append(contentsOf: repeatElement(0, count: leaves))
        return s
    }
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
        for block in blocks {
            for b in 0..<block.cell.count {
                let s = total.slot(cell: block.cell[b], psu: block.psu[b], leaves: leafCount)
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
        var lastKey = UInt64.max, last = 0
        for (s, local) in index.pieces(range) {
            let segment = index.segments[s]
            for r in local {
                let key = UInt64(segment.cell[r]) << 32 | UInt64(segment.psu[r])
                if key != lastKey {
                    last = sums.slot(cell: segment.cell[r], psu: segment.psu[r], leaves: leafCount)
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
