/// Secondary suppression over linked tables (docs/disclosure-control.md §3).
///
/// Every released table of a campaign is a set of cells, and every cell is a union of *atoms*:
/// the finest groups of respondents any table distinguishes (a measured unit, a value of a
/// breakdown). Two atoms that lie in exactly the same released cells form a *class*: every sum an
/// attacker can form from released cells — subtracting, adding, combining tables — is constant
/// on each class, since each released cell holds a class whole or not at all. So a withheld cell
/// that holds part of a class, and only part, cannot be recovered: respondents and satisfied
/// answers can move between its part and the rest of the class without changing any released
/// figure. How far they can move bounds what an attacker learns of the cell's share.
///
/// The pattern is grown greedily, as τ-ARGUS's modular method does for hierarchical tables: while
/// a withheld cell is not protected, the cheapest cells that separate one of its atoms from a
/// suitable atom outside it are withheld too, which puts the two in one class.
public enum SecondarySuppression {
    /// Per atom: respondents (or valid answers of one question) and the satisfied share of them,
    /// as a mass (estimate × n / 100: satisfied answers, when weights are 1).
    public struct Layer: Sendable {
        public var n: [Double]
        public var satisfied: [Double]
        public init(n: [Double], satisfied: [Double]) {
            self.n = n
            self.satisfied = satisfied
        }
        public static func counts(_ n: [Double]) -> Layer { Layer(n: n, satisfied: n.map { _ in 0 }) }
    }

    /// Cells that must be protected, and how.
    public struct Requirement: Sendable {
        public var cells: [Int]
        public var layer: Layer
        /// Nil: only the cell's count must not be determined. Otherwise its satisfied share must
        /// stay free by this fraction of its n either way (0.10: ±10 points), within [0, n].
        public var valueLevel: Double?
        public init(cells: [Int], layer: Layer, valueLevel: Double?) {
            self.cells = cells
            self.layer = layer
            self.valueLevel = valueLevel
        }
    }

    /// The cells withheld: `initial` and what protects them. Deterministic for the same input.
    /// `preferred`: cells already withheld elsewhere in the release (for another leaf of the same
    /// tables), chosen first as partners, so that the leaves of one tree withhold the same few
    /// cells instead of a different partner each — which would blank every group's index.
    public static func protect(_ cells: LinkedCells, initial: Set<Int>, requirements: [Requirement], preferred: Set<Int> = []) -> Set<Int> {
        var suppressed = initial
        var hopeless = Set<[Int]>()
        // Each round fixes one unprotected cell, then looks again with the classes that fix made:
        // a fix often protects other cells too.
        while true {
            let classes = cells.classes(released: suppressed)
            var fixed = false
            search: for (r, requirement) in requirements.enumerated() {
                for c in requirement.cells where suppressed.contains(c) && !hopeless.contains([r, c]) {
                    let need = shortfall(c, requirement, cells, classes)
                    guard need.count || need.down > 1e-9 || need.up > 1e-9 else { continue }
                    let extra = partnerCells(for: c, need: need, requirement, cells, classes, suppressed: suppressed, preferred: preferred)
                    if extra.isEmpty {
                        // Nothing separates it any more: withhold every cell that still holds it.
                        let holders = cells.atoms(of: c).flatMap { cells.cellsOfAtom[$0] }.filter { !suppressed.contains($0) }
                        if holders.isEmpty { hopeless.insert([r, c]); continue }
                        suppressed.formUnion(holders)
                    } else {
                        suppressed.formUnion(extra)
                    }
                    fixed = true
                    break search
                }
            }
            if !fixed { break }
        }
        return suppressed
    }

    struct Need {
        /// The count is determined.
        var count: Bool
        /// Satisfied mass still to be able to leave the cell / enter it.
        var down: Double
        var up: Double
    }

    /// What the cell still lacks to be protected, given the classes of the released cells.
    static func shortfall(_ c: Int, _ requirement: Requirement, _ cells: LinkedCells, _ classes: Partition) -> Need {
        let layer = requirement.layer
        let atoms = cells.atoms(of: c)
        // A cell of no one hides nothing.
        guard !atoms.isEmpty else { return Need(count: false, down: 0, up: 0) }
        var inside: [Int: (n: Double, s: Double)] = [:]
        var total = (n: 0.0, s: 0.0)
        var insideCount: [Int: Int] = [:]
        for a in atoms {
            inside[classes.of[a], default: (0, 0)].n += layer.n[a]
            inside[classes.of[a], default: (0, 0)].s += layer.satisfied[a]
            insideCount[classes.of[a], default: 0] += 1
            total.n += layer.n[a]
            total.s += layer.satisfied[a]
        }
        var movable = false
        var down = 0.0, up = 0.0
        for (k, part) in inside {
            let members = classes.members[k]
            guard members.count > insideCount[k]! else { continue }
            var outside = (n: 0.0, s: 0.0)
            for a in members where !cells.contains(c, atom: a) {
                outside.n += layer.n[a]
                outside.s += layer.satisfied[a]
            }
            if part.n > 0 || outside.n > 0 { movable = true }
            down += min(part.s, outside.n - outside.s)
            up += min(part.n - part.s, outside.s)
        }
        guard let level = requirement.valueLevel else { return Need(count: !movable, down: 0, up: 0) }
        let wantDown = min(total.s, level * total.n), wantUp = min(total.n - total.s, level * total.n)
        return Need(count: false, down: max(0, wantDown - down), up: max(0, wantUp - up))
    }

    /// The released cells to withhold so that an atom of `c` shares a class with a well-chosen
    /// atom outside it: the cheapest that meets the need alone, else the one that helps most.
    static func partnerCells(for c: Int, need: Need, _ requirement: Requirement, _ cells: LinkedCells, _ classes: Partition,
                             suppressed: Set<Int>, preferred: Set<Int> = []) -> [Int] {
        let layer = requirement.layer
        let atoms = cells.atoms(of: c)
        let source = atoms.max { layer.n[$0] != layer.n[$1] ? layer.n[$0] < layer.n[$1] : $0 > $1 } ?? atoms[0]
        let sourceCells = Set(cells.cellsOfAtom[source].filter { !suppressed.contains($0) })
        // Nearest first: atoms sharing the smallest released cell that holds the source.
        let neighbourhoods = sourceCells.sorted { cells.atoms(of: $0).count < cells.atoms(of: $1).count }.map { cells.atoms(of: $0) }
            + [Array(0..<cells.atomCount)]
        var best: (score: (Int, Double, Double), cells: [Int])?
        var seen = Set<Int>()
        for pool in neighbourhoods {
            for e in pool where !cells.contains(c, atom: e) && seen.insert(e).inserted && classes.of[e] != classes.of[source] {
                let separating = Set(cells.cellsOfAtom[e].filter { !suppressed.contains($0) }).symmetricDifference(sourceCells)
                guard !separating.isEmpty else { continue }
                let cost = Double(separating.filter { !preferred.contains($0) }.count) * 1e9
                    + separating.reduce(0) { $0 + Double(cells.atoms(of: $1).count) }
                let helpsCount = layer.n[e] > 0 || layer.n[source] > 0
                let gainDown = min(layer.satisfied[source], layer.n[e] - layer.satisfied[e])
                let gainUp = min(layer.n[source] - layer.satisfied[source], layer.satisfied[e])
                let meets = (!need.count || helpsCount) && gainDown + 1e-9 >= need.down && gainUp + 1e-9 >= need.up
                let help = min(gainDown, need.down) + min(gainUp, need.up) + (need.count && helpsCount ? 1 : 0)
                guard meets || help > 0 else { continue }
                let score = (meets ? 0 : 1, meets ? cost : -help, cost)
                if best == nil || score < best!.score { best = (score, separating.sorted()) }
            }
            if let best, best.score.0 == 0 { return best.cells }
        }
        return best?.cells ?? []
    }
}

/// Cells as unions of atoms, with the reverse index.
public struct LinkedCells: Sendable {
    public let atomCount: Int
    public let cells: [[Int]]
    let cellsOfAtom: [[Int]]
    private let membership: [Set<Int>]

    public init(atomCount: Int, cells: [[Int]]) {
        self.atomCount = atomCount
        self.cells = cells.map { Array(Set($0)).sorted() }
        var of = [[Int]](repeating: [], count: atomCount)
        for (c, atoms) in self.cells.enumerated() { for a in atoms { of[a].append(c) } }
        cellsOfAtom = of
        membership = self.cells.map { Set($0) }
    }

    public func atoms(of cell: Int) -> [Int] { cells[cell] }
    func contains(_ cell: Int, atom: Int) -> Bool { membership[cell].contains(atom) }

    /// Class of every atom: atoms in the same released cells share one.
    func classes(released suppressed: Set<Int>) -> Partition {
        var ids: [[Int]: Int] = [:]
        var partition = Partition(of: [], members: [])
        for a in 0..<atomCount {
            let signature = cellsOfAtom[a].filter { !suppressed.contains($0) }
            if let id = ids[signature] {
                partition.of.append(id)
                partition.members[id].append(a)
            } else {
                ids[signature] = partition.members.count
                partition.of.append(partition.members.count)
                partition.members.append([a])
            }
        }
        return partition
    }
}

/// Atoms grouped by the released cells that hold them.
struct Partition {
    var of: [Int]
    var members: [[Int]]
}
