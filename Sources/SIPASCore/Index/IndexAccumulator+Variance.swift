extension IndexAccumulator {
    /// Taylor-linearised variances (in proportion units squared) per group × node.
    ///
    /// For each response the linearised variable of every node is built bottom-up from the leaf
    /// variables `w·(sat − R·valid)/X` of its cell; PSU totals of the output variables then feed a
    /// Welford accumulator per (group, stratum), and PSUs of the stratum without members of the
    /// group are added as zeros analytically (domain estimation over the whole design).
    func linearisedVariance(design: CellDesign, estimates: [Double], groups: Int) -> [Double] {
        let cells = cellGroup.count
        var ratio = [Double](repeating: 0, count: cells * leafCount)
        var inverseTotal = [Double](repeating: 0, count: cells * leafCount)
        for i in 0..<(cells * leafCount) where cellSumValid[i] > 0 {
            ratio[i] = cellSumSat[i] / cellSumValid[i]
            inverseTotal[i] = 1 / cellSumValid[i]
        }
        var psusInStratum = [Int](repeating: 0, count: strataCount)
        for h in psuStratum { psusInStratum[Int(h)] += 1 }

        var slots = StratumSlots(groups: groups, strata: strataCount, width: nodeCount)
        let nodeLeaf = plan.nodeLeaf, childStart = plan.childStart, childNodes = plan.childNodes
        var z = [Double](repeating: 0, count: nodeCount)
        var out = [Double](repeating: 0, count: nodeCount)

        func linearise(row r: Int) {
            let c = Int(rowCell[r])
            let w = weighted ? rowWeight[r] : 1
            let bits = r * 2 * words
            let leafBase = c * leafCount
            for k in stride(from: nodeCount - 1, through: 0, by: -1) {
                let q = nodeLeaf[k]
                if q >= 0 {
                    let word = q >> 6, bit: UInt64 = 1 << UInt64(q & 63)
                    if rowBits[bits + word] & bit != 0 {
                        let sat: Double = rowBits[bits + words + word] & bit != 0 ? 1 : 0
                        z[k] = w * (sat - ratio[leafBase + q]) * inverseTotal[leafBase + q]
                    } else {
                        z[k] = 0
                    }
                } else {
                    var sum = 0.0
                    let base = c * design.childSlots
                    for j in childStart[k]..<childStart[k + 1] {
                        sum += design.childCoefficient[base + j] * z[childNodes[j]]
                    }
                    z[k] = sum
                }
            }
            let factorBase = c * nodeCount
            for k in 0..<nodeCount { out[k] = z[k] * design.outputFactor[factorBase + k] }
        }

        if ownPsu {
            for r in 0..<rowCell.count {
                linearise(row: r)
                slots.add(group: Int(cellGroup[Int(rowCell[r])]), stratum: Int(psuStratum[r]), total: out)
            }
        } else {
            // Rows grouped by PSU (counting sort) so that each PSU's totals are complete at once.
            let order = rowsByPsu()
            var start = 0
            var pending: [(group: Int, total: [Double])] = []
            while start < order.count {
                let psu = rowPsu[Int(order[start])]
                var end = start
                pending.removeAll(keepingCapacity: true)
                while end < order.count && rowPsu[Int(order[end])] == psu {
                    let r = Int(order[end])
                    linearise(row: r)
                    let g = Int(cellGroup[Int(rowCell[r])])
                    if let i = pending.firstIndex(where: { $0.group == g }) {
                        for k in 0..<nodeCount { pending[i].total[k] += out[k] }
                    } else {
                        pending.append((g, out))
                    }
                    end += 1
                }
                for p in pending { slots.add(group: p.group, stratum: Int(psuStratum[Int(psu)]), total: p.total) }
                start = end
            }
        }
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

    init(groups: Int, strata: Int, width: Int) {
        self.width = width
        self.strata = strata
        if groups * strata <= 1 << 22 { dense = [Int32](repeating: -1, count: groups * strata) }
    }

    mutating func slot(group: Int, stratum: Int) -> Int {
        if dense != nil {
            let key = group * strata + stratum
            if dense![key] >= 0 { return Int(dense![key]) }
            dense![key] = Int32(slotGroup.count)
        } else {
            let key = UInt64(group) << 32 | UInt64(stratum)
            if let s = sparse[key] { return Int(s) }
            sparse[key] = Int32(slotGroup.count)
        }
        slotGroup.append(group)
        slotStratum.append(stratum)
        count.append(0)
        mean.append(contentsOf: repeatElement(0, count: width))
        m2.append(contentsOf: repeatElement(0, count: width))
        return slotGroup.count - 1
    }

    mutating func add(group: Int, stratum: Int, total: [Double]) {
        let s = slot(group: group, stratum: stratum)
        count[s] += 1
        let m = count[s]
        let base = s * width
        for k in 0..<width {
            let delta = total[k] - mean[base + k]
            mean[base + k] += delta / m
            m2[base + k] += delta * (total[k] - mean[base + k])
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
