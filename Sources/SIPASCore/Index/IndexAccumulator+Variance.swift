extension IndexAccumulator {
    /// Fixed blocks of 2^16 responses, on global response numbers.
    static let blockSize = 1 << 16

    /// Weighted totals Σw·sat and Σw·valid per cell × leaf when each response is its own PSU.
    /// Summed over fixed blocks in parallel, then block by block in order.
    func weightedTotals(_ index: SegmentIndex, counts: (sat: [Int], valid: [Int])) -> (sat: [Double], valid: [Double]) {
        guard weighted else { return (counts.sat.map(Double.init), counts.valid.map(Double.init)) }
        let size = counts.sat.count
        // Larger blocks when there are many cells keep the partial totals within ~64 MB; the size
        // depends on the data only.
        let blockSize = max(Self.blockSize, index.total / max(1, (64 << 20) / max(1, size * 16)))
        let partial = FixedBlocks(count: index.total, size: blockSize).map { range -> (sat: [Double], valid: [Double]) in
            var sat = [Double](repeating: 0, count: size)
            var valid = sat
            for (s, local) in index.pieces(range) {
                let segment = index.segments[s]
                for r in local {
                    let base = Int(segment.cell[r]) * leafCount, w = segment.weight[r]
                    forEachValidLeaf(segment, r) { q, satisfied in
                        valid[base + q] += w
                        if satisfied { sat[base + q] += w }
                    }
                }
            }
            return (sat, valid)
        }
        var sat = [Double](repeating: 0, count: size)
        var valid = sat
        for p in partial {
            for i in 0..<size {
                sat[i] += p.sat[i]
                valid[i] += p.valid[i]
            }
        }
        return (sat, valid)
    }

    /// Taylor-linearised variances (in proportion units squared) per group × node when each
    /// response is its own PSU: every response's linearised variable of every node, built
    /// bottom-up from the leaf variables `w·(sat − R·valid)/X` of its cell, feeds the Welford
    /// accumulator of its (group, stratum); fixed blocks run in parallel and combine in order.
    func linearisedVariance(_ index: SegmentIndex, design: CellDesign, totals: (sat: [Double], valid: [Double]), groups: Int) -> [Double] {
        let cells = cellGroup.count
        var ratio = [Double](repeating: 0, count: cells * leafCount)
        var inverseTotal = [Double](repeating: 0, count: cells * leafCount)
        for i in 0..<(cells * leafCount) where totals.valid[i] > 0 {
            ratio[i] = totals.sat[i] / totals.valid[i]
            inverseTotal[i] = 1 / totals.valid[i]
        }
        var psusInStratum = [Int](repeating: 0, count: strataCount)
        for segment in index.segments { for h in segment.stratum { psusInStratum[Int(h)] += 1 } }
        guard index.total > 0 else { return [Double](repeating: 0, count: groups * nodeCount) }
        let linearise = Lineariser(
            plan: plan, design: design, ratio: ratio, inverseTotal: inverseTotal, words: words,
            leafCount: leafCount, weighted: weighted)
        let partials = FixedBlocks(count: index.total, size: Self.blockSize).map { range in
            var slots = StratumSlots(groups: groups, strata: strataCount, width: nodeCount)
            let out = UnsafeMutableBufferPointer<Double>.allocate(capacity: nodeCount)
            let z = UnsafeMutableBufferPointer<Double>.allocate(capacity: nodeCount)
            defer { out.deallocate(); z.deallocate() }
            for (s, local) in index.pieces(range) {
                let segment = index.segments[s]
                segment.bits.withUnsafeBufferPointer { bits in
                    for r in local {
                        let c = Int(segment.cell[r])
                        linearise.run(cell: c, bits: bits.baseAddress! + r * 2 * words,
                                      weight: weighted ? segment.weight[r] : 1, z: z, into: out)
                        slots.add(group: Int(cellGroup[c]), stratum: Int(segment.stratum[r]), total: UnsafeBufferPointer(out))
                    }
                }
            }
            return slots
        }
        var total = partials[0]
        for p in partials.dropFirst() { total.merge(p) }
        return total.variance(groups: groups, psusInStratum: psusInStratum)
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
    }

    /// Leaves first (reverse pre-order puts children before parents), then the aggregates.
    @inline(__always)
    func run(cell c: Int, bits: UnsafePointer<UInt64>, weight w: Double, z: UnsafeMutableBufferPointer<Double>,
             into out: UnsafeMutableBufferPointer<Double>) {
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

    /// Adds another set of accumulators (Chan et al.'s pairwise combination of Welford states).
    mutating func merge(_ other: StratumSlots) {
        for o in 0..<other.slotGroup.count {
            let s = slot(group: other.slotGroup[o], stratum: other.slotStratum[o])
            let na = count[s], nb = other.count[o], n = na + nb
            guard nb > 0 else { continue }
            count[s] = n
            for k in 0..<width {
                let a = s * width + k, b = o * width + k
                let delta = other.mean[b] - mean[a]
                mean[a] += delta * nb / n
                m2[a] += other.m2[b] + delta * delta * na * nb / n
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
