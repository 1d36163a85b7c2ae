/// A cell of a released table: the table's name and the group's labels.
public struct ReleaseCell: Hashable, Sendable, Codable, Comparable {
    public var table: String
    public var group: [String]
    public init(_ table: String, _ group: [String]) {
        self.table = table
        self.group = group
    }
    public static func < (a: ReleaseCell, b: ReleaseCell) -> Bool {
        a.table != b.table ? a.table < b.table : a.group.lexicographicallyPrecedes(b.group)
    }
}

/// Which cells of a campaign's release are withheld, for every table and every audience at once
/// (docs/disclosure-control.md): groups withheld whole, and nodes blanked within shown groups.
public struct ReleasePattern: Sendable, Codable, Equatable {
    public var withheld: Set<ReleaseCell>
    /// Per measure (`index`, `wishes`), per cell: the nodes ("INDEX/NODE") blanked there.
    public var blanked: [String: [ReleaseCell: Set<String>]]

    public init(withheld: Set<ReleaseCell> = [], blanked: [String: [ReleaseCell: Set<String>]] = [:]) {
        self.withheld = withheld
        self.blanked = blanked
    }

    public func isHidden(_ cell: ReleaseCell, measure: String, node: String) -> Bool {
        withheld.contains(cell) || blanked[measure]?[cell]?.contains(node) == true
    }
}

/// Tables over one set of atoms (one family is the units' hierarchies, one each breakdown).
public struct ReleaseFamily: Sendable {
    public var cells: [ReleaseCell]
    /// Atoms of each cell, by position in `atomKeys`.
    public var atoms: [[Int]]
    /// A stable name per atom, so that releases can be compared.
    public var atomKeys: [String]
    public init(cells: [ReleaseCell], atoms: [[Int]], atomKeys: [String]) {
        self.cells = cells
        self.atoms = atoms
        self.atomKeys = atomKeys
    }
}

/// One measure's tree (the index, or the wishes): its nodes in pre-order with their leaves.
public struct ReleaseMeasure: Sendable {
    public var name: String
    /// Node keys ("INDEX/NODE").
    public var nodes: [String]
    /// For each node, the positions of the leaves below it (itself for a leaf).
    public var leavesBelow: [[Int]]
    public var isLeaf: [Bool]
    public init(name: String, nodes: [String], leavesBelow: [[Int]], isLeaf: [Bool]) {
        self.name = name
        self.nodes = nodes
        self.leavesBelow = leavesBelow
        self.isLeaf = isLeaf
    }

    /// From the rows of one group of a result (a tree in pre-order, with depths).
    public init(name: String, rows: [IndexResult.Row]) {
        var leaves = [[Int]](repeating: [], count: rows.count)
        var path: [Int] = []
        for (i, row) in rows.enumerated() {
            path = Array(path.prefix(while: { rows[$0].depth < row.depth && rows[$0].index == row.index }))
            if row.isLeaf { leaves[i].append(i); for p in path { leaves[p].append(i) } }
            path.append(i)
        }
        self.init(name: name, nodes: rows.map { "\($0.index)/\($0.node)" }, leavesBelow: leaves, isLeaf: rows.map(\.isLeaf))
    }
}

/// What the pattern is computed from: per family, per atom, respondents and per measure and node
/// (n, satisfied mass).
public struct ReleaseFigures: Sendable {
    /// [family][atom]
    public var respondents: [[Double]]
    /// [measure][family][atom][node] → (n, mass)
    public var nodes: [[[[Figure]]]]
    public struct Figure: Sendable, Equatable {
        public var n: Double
        public var mass: Double
        public init(n: Double, mass: Double) {
            self.n = n
            self.mass = mass
        }
        public static let zero = Figure(n: 0, mass: 0)
    }
    public init(respondents: [[Double]], nodes: [[[[Figure]]]]) {
        self.respondents = respondents
        self.nodes = nodes
    }
}

extension ReleasePattern {
    /// The earlier release this one follows: its pattern stays (what was withheld stays
    /// withheld) and its figures per atom, so that a change smaller than the floor in any cell is
    /// withheld with what would give it back.
    public struct Previous: Sendable {
        public var pattern: ReleasePattern
        /// Per family, per atom key: respondents, and per measure and node the figure.
        public var respondents: [[String: Double]]
        public var nodes: [[[String: [ReleaseFigures.Figure]]]]
        public init(pattern: ReleasePattern, respondents: [[String: Double]], nodes: [[[String: [ReleaseFigures.Figure]]]]) {
            self.pattern = pattern
            self.respondents = respondents
            self.nodes = nodes
        }
    }

    /// The pattern of a release. The total (`ReleaseCell("total", [])`) is shared by every family.
    public static func compute(families: [ReleaseFamily], measures: [ReleaseMeasure], figures: ReleaseFigures, floor: Int,
                               protectionLevel: Double, previous: Previous?) -> ReleasePattern {
        let floor = Double(floor)
        let linked = families.map { LinkedCells(atomCount: $0.atomKeys.count, cells: $0.atoms) }
        func sum(_ values: [Double], _ atoms: [Int]) -> Double { atoms.reduce(0) { $0 + values[$1] } }
        func earlier(_ f: Int, _ values: (String) -> Double) -> [Double] { families[f].atomKeys.map(values) }

        // Groups withheld whole: fewer respondents than the floor, withheld before, or changed by
        // fewer than the floor since the last release; and what protects their counts.
        var withheld = Set<ReleaseCell>()
        var groupCells: [Set<Int>] = []
        for _ in 0..<2 {
            groupCells = []
            for (f, family) in families.enumerated() {
                let n = figures.respondents[f]
                let delta = previous.map { p in zip(n, earlier(f) { p.respondents[f][$0] ?? 0 }).map { $0 - $1 } }
                var sensitive: [Int] = [], changed: [Int] = []
                for c in family.cells.indices {
                    let size = sum(n, family.atoms[c])
                    if size < floor || previous?.pattern.withheld.contains(family.cells[c]) == true || withheld.contains(family.cells[c]) {
                        sensitive.append(c)
                    }
                    if let delta, case let d = sum(delta, family.atoms[c]), d > 0, d < floor { changed.append(c) }
                }
                var requirements = [SecondarySuppression.Requirement(cells: sensitive, layer: .counts(n), valueLevel: nil)]
                if let delta { requirements.append(.init(cells: changed, layer: .counts(delta), valueLevel: nil)) }
                let cells = SecondarySuppression.protect(linked[f], initial: Set(sensitive + changed), requirements: requirements)
                groupCells.append(cells)
                withheld.formUnion(cells.map { family.cells[$0] })
            }
            // A withheld total is withheld in every family: once more, with it.
            if !withheld.contains(ReleaseCell("total", [])) { break }
        }

        var blanked: [String: [ReleaseCell: Set<String>]] = [:]
        // Cells withheld for one leaf are the partners of choice for the next.
        var hiddenSoFar = groupCells
        for (m, measure) in measures.enumerated() {
            var hiddenLeaves: [ReleaseCell: Set<Int>] = [:], answeredHidden: [ReleaseCell: Set<Int>] = [:]
            for (f, family) in families.enumerated() {
                for (k, isLeaf) in measure.isLeaf.enumerated() where isLeaf {
                    let atomFigures = figures.nodes[m][f]
                    let layer = SecondarySuppression.Layer(n: atomFigures.map { $0[k].n }, satisfied: atomFigures.map { $0[k].mass })
                    let key = measure.nodes[k]
                    var sensitive: [Int] = [], changed: [Int] = []
                    var deltaLayer: SecondarySuppression.Layer?
                    if let previous {
                        let before = family.atomKeys.map { previous.nodes[m][f][$0]?[k] ?? .zero }
                        deltaLayer = .init(n: zip(layer.n, before).map { max(0, $0 - $1.n) },
                                           satisfied: zip(layer.satisfied, before).map { max(0, $0 - $1.mass) })
                    }
                    for c in family.cells.indices {
                        let cell = family.cells[c]
                        let size = sum(layer.n, family.atoms[c])
                        if size < floor || (groupCells[f].contains(c) && sum(figures.respondents[f], family.atoms[c]) < floor)
                            || previous?.pattern.blanked[measure.name]?[cell]?.contains(key) == true {
                            sensitive.append(c)
                        }
                        if let deltaLayer, case let d = sum(deltaLayer.n, family.atoms[c]), d > 0, d < floor { changed.append(c) }
                    }
                    var requirements = [SecondarySuppression.Requirement(cells: sensitive, layer: layer, valueLevel: protectionLevel)]
                    if let deltaLayer { requirements.append(.init(cells: changed, layer: deltaLayer, valueLevel: protectionLevel)) }
                    let hidden = SecondarySuppression.protect(linked[f], initial: groupCells[f].union(sensitive).union(changed),
                                                              requirements: requirements, preferred: hiddenSoFar[f])
                    hiddenSoFar[f].formUnion(hidden)
                    for c in hidden where !withheld.contains(family.cells[c]) {
                        hiddenLeaves[family.cells[c], default: []].insert(k)
                        // A leaf nobody answered there is left out of its parents' means: they need not follow.
                        if sum(layer.n, family.atoms[c]) > 0 { answeredHidden[family.cells[c], default: []].insert(k) }
                    }
                }
            }
            // A node is a mean of its children: hidden wherever a leaf below it is.
            var byCell: [ReleaseCell: Set<String>] = [:]
            for (cell, leaves) in hiddenLeaves {
                let answered = answeredHidden[cell] ?? []
                byCell[cell] = Set(measure.nodes.indices.filter { k in
                    leaves.contains(k) || !answered.isDisjoint(with: measure.leavesBelow[k])
                }.map { measure.nodes[$0] })
            }
            if !byCell.isEmpty { blanked[measure.name] = byCell }
        }
        return sameGroupsAlike(ReleasePattern(withheld: withheld, blanked: blanked), families: families)
    }

    /// Cells over the same responses are one figure under two names (a one-province campaign's
    /// province and total; a province with one measured unit): what one withholds or blanks, the
    /// other must too, or it is released under the other name. Only adds suppression.
    static func sameGroupsAlike(_ pattern: ReleasePattern, families: [ReleaseFamily]) -> ReleasePattern {
        var parent: [ReleaseCell: ReleaseCell] = [:]
        func root(_ c: ReleaseCell) -> ReleaseCell {
            var c = c
            while let p = parent[c], p != c { c = p }
            return c
        }
        for family in families {
            var first: [[Int]: ReleaseCell] = [:]
            for (c, cell) in family.cells.enumerated() {
                let key = family.atoms[c].sorted()
                if let other = first[key] { let (a, b) = (root(cell), root(other)); if a != b { parent[a] = b } } else { first[key] = cell }
            }
        }
        var classes: [ReleaseCell: [ReleaseCell]] = [:]
        for family in families { for cell in family.cells { classes[root(cell), default: []].append(cell) } }
        var result = pattern
        for members in classes.values.map({ Array(Set($0)) }) where members.count > 1 {
            if members.contains(where: result.withheld.contains) { result.withheld.formUnion(members) }
            for measure in result.blanked.keys {
                let nodes = members.reduce(into: Set<String>()) { $0.formUnion(result.blanked[measure]?[$1] ?? []) }
                guard !nodes.isEmpty else { continue }
                for cell in members where !result.withheld.contains(cell) { result.blanked[measure]![cell] = nodes }
            }
        }
        for measure in result.blanked.keys {
            result.blanked[measure] = result.blanked[measure]!.filter { !result.withheld.contains($0.key) }
        }
        return result
    }
}
