import Foundation

extension IndexAccumulator {
    /// z-quantile of the two-sided 95% interval, as the spec fixes it.
    public static let z95 = 1.959964

    /// Computes the output table.
    /// - Parameters:
    ///   - groupKeys: the values of the grouping columns for each dense group id (one empty key
    ///     without grouping: the whole file is one group even when empty).
    /// With a roll-up, a group's estimate is the mean over its subgroups' (cells') estimates; without
    /// one, every group is a single cell and the same formula reduces to the pooled estimate.
    public func result(groupColumns: [String], groupKeys: [[String]], minN: Int) -> IndexResult {
        let cells = cellGroup.count
        let variance: [Double]
        let design: CellDesign
        let index = segments
        let cellCounts = cellCounts()
        if ownPsu {
            // Each response is its own PSU: the variance needs every response's linearised value.
            let totals = weightedTotals(index, counts: cellCounts)
            design = CellDesign(self, estimates: cellEstimates(totals), groups: groupKeys.count)
            variance = linearisedVariance(index, design: design, totals: totals, groups: groupKeys.count)
        } else {
            let sums = psuSums(index)
            let totals = cellTotals(sums)
            design = CellDesign(self, estimates: cellEstimates(totals), groups: groupKeys.count)
            variance = psuVariance(sums, design: design, totals: totals, groups: groupKeys.count)
        }

        var counts = [Int](repeating: 0, count: groupKeys.count * nodeCount)
        for c in 0..<cells {
            let g = Int(cellGroup[c])
            for k in 0..<nodeCount {
                if let q = plan.nodes[k].leaf {
                    counts[g * nodeCount + k] += cellCounts.valid[c * leafCount + q]
                } else {
                    counts[g * nodeCount + k] += cellNodeCount[c * nodeCount + k]
                }
            }
        }

        let order = groupKeys.indices.sorted { Self.codePointLess(groupKeys[$0], groupKeys[$1]) }
        var rows: [IndexResult.Row] = []
        rows.reserveCapacity(order.count * nodeCount)
        for g in order {
            for k in 0..<nodeCount {
                let node = plan.nodes[k]
                let n = counts[g * nodeCount + k]
                let estimate = design.groupEstimate[g * nodeCount + k]
                var row = IndexResult.Row(
                    group: groupKeys[g], index: plan.treeCode(of: k), node: node.code, title: node.title,
                    depth: node.depth, isLeaf: node.leaf != nil, n: n, estimate: nil, se: nil,
                    ciLow: nil, ciHigh: nil, lowN: n < minN)
                if !estimate.isNaN {
                    let se = 100 * variance[g * nodeCount + k].squareRoot()
                    row.estimate = estimate
                    row.se = se
                    row.ciLow = min(100, max(0, estimate - Self.z95 * se))
                    row.ciHigh = min(100, max(0, estimate + Self.z95 * se))
                }
                rows.append(row)
            }
        }
        return IndexResult(groupColumns: groupColumns, rows: rows, minN: minN)
    }

    /// Estimates (percent, NaN where undefined) of every output node in every cell.
    func cellEstimates(_ totals: (sat: [Double], valid: [Double])) -> [Double] {
        var est = [Double](repeating: .nan, count: cellGroup.count * nodeCount)
        for c in 0..<cellGroup.count {
            let base = c * nodeCount
            for k in plan.nodes.indices.reversed() {
                let node = plan.nodes[k]
                if let q = node.leaf {
                    let x = totals.valid[c * leafCount + q]
                    if x > 0 { est[base + k] = 100 * totals.sat[c * leafCount + q] / x }
                } else {
                    var num = 0.0, den = 0.0
                    for (j, child) in node.children.enumerated() where !est[base + child].isNaN {
                        num += node.weights[j] * est[base + child]
                        den += node.weights[j]
                    }
                    if den > 0 { est[base + k] = num / den }
                }
            }
        }
        return est
    }

    /// Unicode code point order, column by column (the spec's group order).
    static func codePointLess(_ a: [String], _ b: [String]) -> Bool {
        for (x, y) in zip(a, b) where x != y || !x.unicodeScalars.elementsEqual(y.unicodeScalars) {
            let xs = x.unicodeScalars, ys = y.unicodeScalars
            if xs.elementsEqual(ys) { continue }
            return xs.lexicographicallyPrecedes(ys)
        }
        return a.count < b.count
    }
}

/// Per-cell coefficients of the linearised variables, and the group estimates.
struct CellDesign {
    /// Per cell × node: factor applied to the node's z to form the group's output z
    /// (1/D for a roll-up over D defined cells, 0 where the node is undefined in the cell).
    var outputFactor: [Double]
    /// Per cell × node × child position: the child's share in the node (0 if undefined).
    var childCoefficient: [Double]
    var childSlots: Int
    /// Per group × node.
    var groupEstimate: [Double]

    init(_ acc: IndexAccumulator, estimates: [Double], groups: Int) {
        let nodes = acc.plan.nodes
        let nodeCount = nodes.count
        let cells = acc.cellGroup.count
        let offsets = acc.plan.childStart
        let slots = offsets[nodeCount]
        childSlots = slots
        childCoefficient = [Double](repeating: 0, count: cells * slots)
        for c in 0..<cells {
            for (k, node) in nodes.enumerated() where node.leaf == nil {
                var den = 0.0
                for (j, child) in node.children.enumerated() where !estimates[c * nodeCount + child].isNaN {
                    den += node.weights[j]
                }
                guard den > 0 else { continue }
                for (j, child) in node.children.enumerated() where !estimates[c * nodeCount + child].isNaN {
                    childCoefficient[c * slots + offsets[k] + j] = node.weights[j] / den
                }
            }
        }
        // Group estimates: the mean over defined cells (one cell per group without roll-up).
        var sum = [Double](repeating: 0, count: groups * nodeCount)
        var defined = [Int](repeating: 0, count: groups * nodeCount)
        for c in 0..<cells {
            let g = Int(acc.cellGroup[c])
            for k in 0..<nodeCount where !estimates[c * nodeCount + k].isNaN {
                sum[g * nodeCount + k] += estimates[c * nodeCount + k]
                defined[g * nodeCount + k] += 1
            }
        }
        groupEstimate = zip(sum, defined).map { $1 > 0 ? $0 / Double($1) : .nan }
        outputFactor = [Double](repeating: 0, count: cells * nodeCount)
        for c in 0..<cells {
            let g = Int(acc.cellGroup[c])
            for k in 0..<nodeCount where !estimates[c * nodeCount + k].isNaN {
                outputFactor[c * nodeCount + k] = 1 / Double(defined[g * nodeCount + k])
            }
        }
    }
}
