extension IndexAccumulator {
    /// Taylor-linearised variances (in proportion units squared) per group × node.
    ///
    /// For each response the linearised variable of every node is built bottom-up from the leaf
    /// variables `w·(sat − R·valid)/X` of its cell; PSU totals of the output variables then feed a
    /// Welford accumulator per (group, stratum), and PSUs of the stratum without members of the
    /// group are added as zeros analytically (domain estimation over the whole design).
    func linearisedVariance(design: CellDesign, totals: (sat: [Double], valid: [Double]), groups: Int) -> [Double] {
        let cells = cellGroup.count
        var ratio = [Double](repeating: 0, count: cells * leafCount)
        var inverseTotal = [Double](repeating: 0, count: cells * leafCount)
        for i in 0..<(cells * leafCount) where totals.valid[i] > 0 {
            ratio[i] = totals.sat[i] / totals.valid[i]
            inverseTotal[i] = 1 / totals.valid[i]
        }
        var psusInStratum = [Int](repeating: 0, count: strataCount)
        for h in psuStratum { psusInStratum[Int(h)] += 1 }
        var slots = StratumSlots(groups: groups, strata: strataCount, width: nodeCount)

        let linearise = Lineariser(
            plan: plan, design: design, ratio: ratio, inverseTotal: inverseTotal, words: words,
            leafCount: leafCount, weighted: weighted)
        defer { linearise.z.deallocate() }
        rowBits.withUnsafeBufferPointer { bits in
        rowWeight.withUnsafeBufferPointer { weights in
        rowCell.withUnsafeBufferPointer { rowCell in
        cellGroup.withUnsafeBufferPointer { cellGroup in
            let out = UnsafeMutableBufferPointer<Double>.allocate(capacity: nodeCount)
            defer { out.deallocate() }
            if ownPsu {
                for r in 0..<rowCell.count {
                    let c = Int(rowCell[r])
                    linearise.run(cell: c, bits: bits.baseAddress! + r * 2 * words, weight: weighted ? weights[r] : 1, into: out)
                    slots.add(group: Int(cellGroup[c]), stratum: Int(psuStratum[r]), total: UnsafeBufferPointer(out))
                }
                return
            }
            // Rows grouped by PSU (counting sort) so that each PSU's totals are complete at once; a
            // PSU usually holds one group, rarely a few.
            let order = rowsByPsu()
            var pendingGroups: [Int] = []
            var pendingTotals = [Double]()
            var start = 0
            while start < order.count {
                let psu = rowPsu[Int(order[start])]
                var end = start
                pendingGroups.removeAll(keepingCapacity: true)
                pendingTotals.removeAll(keepingCapacity: true)
                while end < order.count && rowPsu[Int(order[end])] == psu {
                    let r = Int(order[end])
                    let c = Int(rowCell[r])
                    linearise.run(cell: c, bits: bits.baseAddress! + r * 2 * words, weight: weighted ? weights[r] : 1, into: out)
                    let g = Int(cellGroup[c])
                    var slot = pendingGroups.firstIndex(of: g) ?? -1
                    if slot < 0 {
                        slot = pendingGroups.count
                        pendingGroups.append(g)
                        pendingTotals.append(contentsOf: repeatElement(0, count: nodeCount))
                    }
                    pendingTotals.withUnsafeMutableBufferPointer { t in
                        let base = slot * nodeCount
                        for k in 0..<nodeCount { t[base + k] += out[k] }
                    }
                    end += 1
                }
                pendingTotals.withUnsafeBufferPointer { t in
                    for (i, g) in pendingGroups.enumerated() {
                        slots.add(group: g, stratum: Int(psuStratum[Int(psu)]),
                                  total: UnsafeBufferPointer(rebasing: t[(i * nodeCount)..<((i + 1) * nodeCount)]))
                    }
                }
                start = end
            }
        }}}}
        return slots.variance(groups: groups, psusInStratum: psusInStratum)
    }

    func rowsByPsu() -> [UInt32] {
        var start = [Int](repeating: 0, count: psuStratum.count + 1)
        for p in rowPsu { start[Int(p) + 1] += 1 }
        for i in 1..<start.count { start[i] += start[i - 1] }
        var order = [UInt32](repeating: 0, count: rowPsu.count)
        for (r, p) in rowPsu.enumerated() {
            order[start[Int(p)]] = UInt32(r)
            start[Int(p)] += 1
        }
        return order
    }
}

/// Computes one response's linearised variables for every output node of its group.
struct Lineariser {
    let nodeCount: Int
    let words: Int
    let leafCount: Int
    let weighted: Bool
    let nodeLeaf: [Int]
    let childStart: [Int]
    let childNodes: [Int]
    let childSlots: Int
    let childCoefficient: [Double]
    let outputFactor: [Double]
    let ratio: [Double]
    let inverseTotal: [Double]
    let z: UnsafeMutableBufferPointer<Double>

    init(plan: IndexPlan, design: CellDesign, ratio: [Double], inverseTotal: [Double], words: Int,
         leafCount: Int, weighted: Bool) {
        nodeCount = plan.nodes.count
        self.words = words
        self.leafCount = leafCount
        self.weighted = weighted
        nodeLeaf = plan.nodeLeaf
        childStart = plan.childStart
        childNodes = plan.childNodes
        childSlots = design.childSlots
        childCoefficient = design.childCoefficient
        outputFactor = design.outputFactor
        self.ratio = ratio
        self.inverseTotal = inverseTotal
        z = .allocate(capacity: max(1, nodeCount))
    }

    /// Leaves first (reverse pre-order puts children before parents), then the aggregates.
    @inline(__always)
    func run(cell c: Int, bits: UnsafePointer<UInt64>, weight w: Double, into out: UnsafeMutableBufferPointer<Double>) {
        nodeLeaf.withUnsafeBufferPointer { nodeLeaf in
        childStart.withUnsafeBufferPointer { childStart in
        childNodes.withUnsafeBufferPointer { childNodes in
        childCoefficient.withUnsafeBufferPointer { coefficient in
        outputFactor.withUnsafeBufferPointer { factor in
        ratio.withUnsafeBufferPointer { ratio in
        inverseTotal.withUnsafeBufferPointer { inverseTotal in
            let leafBase = c * leafCount
            let coefficientBase = c * childSlots
            var k = nodeCount - 1
            while k >= 0 {
                let q = nodeLeaf[k]
                if q >= 0 {
                    let word = q >> 6, bit: UInt64 = 1 << UInt64(q & 63)
                    if bits[word] & bit != 0 {
                        let sat: Double = bits[words + word] & bit != 0 ? 1 : 0
                        z[k] = w * (sat - ratio[leafBase + q]) * inverseTotal[leafBase + q]
                    } else {
                        z[k] = 0
                    }
                } else {
                    var sum = 0.0
                    for j in childStart[k]..<childStart[k + 1] {
                        sum += coefficient[coefficientBase + j] * z[childNodes[j]]
                    }
                    z[k] = sum
                }
                k -= 1
            }
            let factorBase = c * nodeCount
            for k in 0..<nodeCount { out[k] = z[k] * factor[factorBase + k] }
        }}}}}}}
    }
}

/// Welford accumulators of PSU totals per (group, stratum): count, mean and centred sum of squares
/// for each node, so that Σ(t − t̄)² is computed without cancellation.
struct StratumSlots {
    let width: Int
    let strata: Int
    var dense: [Int32]?
    var sparse: [UInt64: Int32] = [:]
    var slotGroup: [Int] = []
    var slotStratum: [Int] = []
    var count: [Double] = []
    var mean: [Double] = []
    var m2: [Double] = []
    var lastKey = -1
    var lastSlot = 0

    init(groups: Int, strata: Int, width: Int) {
        self.width = width
        self.strata = strata
        if groups * strata <= 1 << 22 { dense = [Int32](repeating: -1, count: groups * strata) }
    }

    mutating func slot(group: Int, stratum: Int) -> Int {
        let key = group * strata + stratum
        if key == lastKey { return lastSlot }
        let s: Int
        if let found = dense.map({ $0[key] }) ?? sparse[UInt64(key)], found >= 0 {
            s = Int(found)
        } else {
            s = slotGroup.count
            if dense != nil { dense![key] = Int32(s) } else { sparse[UInt64(key)] = Int32(s) }
            slotGroup.append(group)
            slotStratum.append(stratum)
            count.append(0)
            mean.append(contentsOf: repeatElement(0, count: width))
            m2.append(contentsOf: repeatElement(0, count: width))
        }
        lastKey = key
        lastSlot = s
        return s
    }

    mutating func add(group: Int, stratum: Int, total: UnsafeBufferPointer<Double>) {
        let s = slot(group: group, stratum: stratum)
        count[s] += 1
        let m = count[s]
        let base = s * width
        let width = self.width
        mean.withUnsafeMutableBufferPointer { mean in
            m2.withUnsafeMutableBufferPointer { m2 in
                for k in 0..<width {
                    let delta = total[k] - mean[base + k]
                    mean[base + k] += delta / m
                    m2[base + k] += delta * (total[k] - mean[base + k])
                }
            }
        }
    }

    /// Σ_h f_h · Σ_j (t_hj − t̄_h)² with f_h = n_h/(n_h−1); a lonely PSU is centred at the grand
    /// mean (0 for these estimators) with f = 1.
    func variance(groups: Int, psusInStratum: [Int]) -> [Double] {
        var v = [Double](repeating: 0, count: groups * width)
        for s in 0..<slotGroup.count {
            let nh = Double(psusInStratum[slotStratum[s]])
            let m = count[s]
            let base = s * width
            let out = slotGroup[s] * width
            for k in 0..<width {
                let mu = mean[base + k]
                if nh <= 1 {
                    v[out + k] += m2[base + k] + m * mu * mu
                } else {
                    let overall = m * mu / nh
                    let ss = m2[base + k] + m * (mu - overall) * (mu - overall) + (nh - m) * overall * overall
                    v[out + k] += nh / (nh - 1) * ss
                }
            }
        }
        return v
    }
}
