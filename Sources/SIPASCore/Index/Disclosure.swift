/// Disclosure control for those who may not read individual responses (docs/disclosure-control.md).
///
/// A figure of fewer than `minN` responses is never shown, and no hidden figure can be recovered
/// by subtraction from figures that are shown:
/// - a group with fewer than `minN` responses is withheld whole (labels and n too);
/// - within a profile split (the groups that differ only in a respondent characteristic), one
///   withheld cell withholds the whole split: otherwise the parent's total, shown elsewhere,
///   minus the other cells gives it back;
/// - within any other split (units of a province, channels of a unit) the withheld cells must
///   together hold at least `minN` responses, so the next smallest cells are withheld with them
///   until they do (or until the whole split is withheld);
/// - the same holds node by node: a criterion answered by fewer than `minN` in one cell is blanked
///   there, and in the cells that would give it back.
public enum Disclosure {
    public struct Outcome: Sendable, Equatable {
        public var result: IndexResult
        /// Groups withheld whole.
        public var withheldGroups: Int
    }

    /// - Parameter profileColumn: the position, among the result's group columns, of the
    ///   respondent characteristic (at most one), if any.
    public static func apply(_ result: IndexResult, minN: Int, profileColumn: Int?) -> Outcome {
        let columns = result.groupColumns.count
        // Group sizes: the largest n of any row of the group (its root's, normally).
        var size: [[String]: Int] = [:]
        for row in result.rows { size[row.group] = max(size[row.group] ?? 0, row.n) }
        var hidden = Set(size.filter { $0.value < minN }.map(\.key))
        hidden = closeOver(hidden, sizes: size, columns: columns, profileColumn: profileColumn, minN: minN)

        // Node by node, within the groups still shown.
        var rowsByNode: [String: [Int]] = [:]
        for (i, row) in result.rows.enumerated() where !hidden.contains(row.group) { rowsByNode["\(row.index)\u{1F}\(row.node)", default: []].append(i) }
        var blank = Set<Int>()
        for (_, indices) in rowsByNode {
            var nodeSize: [[String]: Int] = [:]
            var rowOf: [[String]: Int] = [:]
            for i in indices { nodeSize[result.rows[i].group] = result.rows[i].n; rowOf[result.rows[i].group] = i }
            let low = Set(nodeSize.filter { $0.value < minN }.map(\.key))
            for group in closeOver(low, sizes: nodeSize, columns: columns, profileColumn: profileColumn, minN: minN) {
                if let i = rowOf[group] { blank.insert(i) }
            }
        }

        var out = result
        out.rows = []
        for (i, row) in result.rows.enumerated() where !hidden.contains(row.group) {
            var row = row
            if blank.contains(i) {
                // Its count is a figure below the floor too (how many answered a conditional question).
                row.estimate = nil; row.se = nil; row.ciLow = nil; row.ciHigh = nil; row.n = 0
                row.lowN = true
            }
            out.rows.append(row)
        }
        return Outcome(result: out, withheldGroups: hidden.count)
    }

    /// Grows a withheld set until no withheld cell can be recovered by subtraction within any split.
    static func closeOver(_ start: Set<[String]>, sizes: [[String]: Int], columns: Int, profileColumn: Int?, minN: Int) -> Set<[String]> {
        var hidden = start
        guard columns > 0, !hidden.isEmpty else { return hidden }
        var changed = true
        while changed {
            changed = false
            for column in 0..<columns {
                // Splits along `column`: groups equal in every other column.
                var splits: [[String]: [[String]]] = [:]
                for group in sizes.keys {
                    var key = group
                    key.remove(at: column)
                    splits[key, default: []].append(group)
                }
                for (_, members) in splits {
                    let withheld = members.filter { hidden.contains($0) }
                    guard !withheld.isEmpty, withheld.count < members.count else { continue }
                    if column == profileColumn {
                        hidden.formUnion(members)
                        changed = true
                        continue
                    }
                    // Subtraction from the split's total gives back the withheld cells together:
                    // together they must be a figure that could be shown.
                    var total = withheld.reduce(0) { $0 + sizes[$1]! }
                    var visible = members.filter { !hidden.contains($0) }.sorted { a, b in
                        sizes[a]! != sizes[b]! ? sizes[a]! < sizes[b]! : a.lexicographicallyPrecedes(b)
                    }
                    while total < minN, !visible.isEmpty {
                        let next = visible.removeFirst()
                        hidden.insert(next)
                        total += sizes[next]!
                        changed = true
                    }
                }
            }
        }
        return hidden
    }
}
