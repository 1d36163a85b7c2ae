import Testing
@testable import SIPASCore

/// The release pattern on hand-made tables: each property a linked-tables attacker relies on.
@Suite struct ReleasePatternTests {
    /// Units (atoms) with respondents and satisfied answers of one leaf; provinces over them.
    struct Campaign {
        var units: [(code: String, province: String, successor: String?, n: Double, satisfied: Double)]
        var breakdown: [(value: String, n: Double, satisfied: Double)] = []

        var family: ReleaseFamily {
            var cells = [ReleaseCell("total", [])], atoms = [Array(units.indices)]
            for (a, u) in units.enumerated() { cells.append(ReleaseCell("unit", [u.code])); atoms.append([a]) }
            for p in Set(units.map(\.province)).sorted() {
                cells.append(ReleaseCell("province", [p]))
                atoms.append(units.indices.filter { units[$0].province == p })
            }
            if units.contains(where: { $0.successor != nil }) {
                for s in Set(units.compactMap(\.successor)).sorted() {
                    cells.append(ReleaseCell("unit@2025", [s]))
                    atoms.append(units.indices.filter { units[$0].successor == s })
                }
                cells.append(ReleaseCell("total@2025", []))
                atoms.append(units.indices.filter { units[$0].successor != nil })
                cells.append(ReleaseCell("left-out@2025", []))
                atoms.append(units.indices.filter { units[$0].successor == nil })
            }
            return ReleaseFamily(cells: cells, atoms: atoms, atomKeys: units.map(\.code))
        }

        var families: [ReleaseFamily] {
            var all = [family]
            if !breakdown.isEmpty {
                all.append(ReleaseFamily(cells: [ReleaseCell("total", [])] + breakdown.map { ReleaseCell("channel", [$0.value]) },
                                         atoms: [Array(breakdown.indices)] + breakdown.indices.map { [$0] }, atomKeys: breakdown.map(\.value)))
            }
            return all
        }

        static let measure = ReleaseMeasure(name: "index", nodes: ["S/S", "S/L"], leavesBelow: [[1], [1]], isLeaf: [false, true])

        var figures: ReleaseFigures {
            let unitFigures = units.map { [ReleaseFigures.Figure(n: $0.n, mass: $0.satisfied), .init(n: $0.n, mass: $0.satisfied)] }
            let breakdownFigures = breakdown.map { [ReleaseFigures.Figure(n: $0.n, mass: $0.satisfied), .init(n: $0.n, mass: $0.satisfied)] }
            return ReleaseFigures(respondents: [units.map(\.n)] + (breakdown.isEmpty ? [] : [breakdown.map(\.n)]),
                                  nodes: [[unitFigures] + (breakdown.isEmpty ? [] : [breakdownFigures])])
        }

        func pattern(previous: ReleasePattern.Previous? = nil) -> ReleasePattern {
            ReleasePattern.compute(families: families, measures: [Self.measure], figures: figures, floor: 30, protectionLevel: 0.1,
                                   previous: previous)
        }
    }

    /// Sums of released cells an attacker can form: is `cell`'s count a combination of them?
    /// (Gaussian elimination over the atoms: the exact test the class rule is sufficient for.)
    static func determined(_ cell: ReleaseCell, in family: ReleaseFamily, pattern: ReleasePattern) -> Bool {
        let atoms = family.atomKeys.count
        var basis: [[Double]] = []
        func vector(_ c: Int) -> [Double] { (0..<atoms).map { family.atoms[c].contains($0) ? 1 : 0 } }
        func reduce(_ v: [Double]) -> [Double] {
            var v = v
            for b in basis {
                let pivot = b.firstIndex { abs($0) > 1e-9 }!
                if abs(v[pivot]) > 1e-9 { let f = v[pivot] / b[pivot]; v = zip(v, b).map { $0 - f * $1 } }
            }
            return v
        }
        for (c, candidate) in family.cells.enumerated() where !pattern.withheld.contains(candidate) {
            let r = reduce(vector(c))
            if r.contains(where: { abs($0) > 1e-9 }) { basis.append(r) }
        }
        let target = family.cells.firstIndex(of: cell)!
        return !reduce(vector(target)).contains { abs($0) > 1e-9 }
    }

    /// One province: its cell and the total are the same responses. A breakdown that needs the
    /// total withheld (or blanked) to protect a small channel must not find it under the
    /// province's name.
    @Test func cellsOverTheSameResponsesAreSuppressedAlike() {
        let c = Campaign(units: [("A", "P", nil, 40, 36), ("B", "P", nil, 50, 45), ("C", "P", nil, 60, 50)],
                         breakdown: [("paper", 148, 130), ("kiosk", 2, 1)])
        let pattern = c.pattern()
        let total = ReleaseCell("total", []), province = ReleaseCell("province", ["P"])
        #expect(pattern.withheld.contains(ReleaseCell("channel", ["kiosk"])))
        #expect(pattern.withheld.contains(total) == pattern.withheld.contains(province))
        for node in Campaign.measure.nodes {
            #expect(pattern.isHidden(total, measure: "index", node: node) == pattern.isHidden(province, measure: "index", node: node), "\(node)")
        }
        // And the kiosk's count is not given back by paper and either name of the total.
        let withBoth = c.families[1]
        #expect(!Self.determined(ReleaseCell("channel", ["kiosk"]), in: withBoth, pattern: pattern))
        // The rule itself: a node blanked in the total (by another family's protection, or a
        // change since the last release) is blanked in the province too, and a withheld one withheld.
        let blankedTotal = ReleasePattern(withheld: [], blanked: ["index": [total: ["S/S", "S/L"]]])
        let alike = ReleasePattern.sameGroupsAlike(blankedTotal, families: c.families)
        #expect(alike.blanked["index"]?[province] == ["S/S", "S/L"])
        #expect(alike.blanked["index"]?[ReleaseCell("unit", ["A"])] == nil, "a unit is another group")
        let withheldProvince = ReleasePattern.sameGroupsAlike(ReleasePattern(withheld: [province]), families: c.families)
        #expect(withheldProvince.withheld.contains(total))
    }

    @Test func aSmallUnitIsWithheldWithAPartnerAndNoSumGivesItBack() {
        let c = Campaign(units: [("A", "P", nil, 3, 3), ("B", "P", nil, 40, 36), ("C", "P", nil, 50, 45), ("D", "Q", nil, 60, 50)])
        let pattern = c.pattern()
        #expect(pattern.withheld.contains(ReleaseCell("unit", ["A"])))
        #expect(pattern.withheld.count >= 2)
        #expect(!Self.determined(ReleaseCell("unit", ["A"]), in: c.family, pattern: pattern))
        #expect(!pattern.withheld.contains(ReleaseCell("total", [])))
    }

    @Test func theReestimateOnSuccessorsCannotGiveBackAMergedCommune() {
        // A (2 responses) merged with B and C into X; the public sees the earlier campaign by unit
        // and the re-estimate on X: X − B − C would be A.
        let c = Campaign(units: [("A", "P", "X", 2, 2), ("B", "P", "X", 40, 30), ("C", "P", "X", 45, 40), ("D", "P", "Y", 50, 45),
                                 ("E", "P", "Y", 55, 44)])
        let pattern = c.pattern()
        for cell in [ReleaseCell("unit", ["A"])] {
            #expect(pattern.withheld.contains(cell))
            #expect(!Self.determined(cell, in: c.family, pattern: pattern))
        }
    }

    @Test func unitsWithoutSuccessorAreNotTheDifferenceOfTheTwoTotals() {
        // The district office (3 responses) has no 2025 successor: total − total@2025 would be it.
        let c = Campaign(units: [("H", "P", nil, 3, 1), ("B", "P", "X", 40, 30), ("C", "P", "X", 45, 40), ("D", "P", "Y", 50, 45)])
        let pattern = c.pattern()
        let leftOut = ReleaseCell("left-out@2025", [])
        #expect(pattern.withheld.contains(leftOut))
        #expect(!Self.determined(leftOut, in: c.family, pattern: pattern))
        #expect(!Self.determined(ReleaseCell("unit", ["H"]), in: c.family, pattern: pattern))
    }

    @Test func aWithheldShareIsNotNarrowedWhenTheRestAreAllSatisfied() {
        // A withheld beside a partner whose every answer is satisfied: A's share would be pinned
        // at 100%; the pattern finds a partner with unsatisfied answers as well.
        let c = Campaign(units: [("A", "P", nil, 3, 3), ("B", "P", nil, 40, 40), ("C", "P", nil, 50, 30), ("D", "Q", nil, 60, 50)])
        let pattern = c.pattern()
        let hidden = Set(c.units.filter { u in pattern.isHidden(ReleaseCell("unit", [u.code]), measure: "index", node: "S/L") }.map(\.code))
        #expect(hidden.contains("A"))
        // Something with unsatisfied answers shares A's class: B alone (all satisfied) is not enough.
        #expect(hidden.contains("C") || hidden.contains("D"))
    }

    @Test func aBlankedLeafBlanksItsParentsInThatCell() {
        var c = Campaign(units: [("A", "P", nil, 60, 50), ("B", "P", nil, 60, 40), ("C", "P", nil, 60, 45)])
        var figures = c.figures
        figures.nodes[0][0][0][1] = .init(n: 5, mass: 4) // only 5 of A's respondents answered L
        let pattern = ReleasePattern.compute(families: c.families, measures: [Campaign.measure], figures: figures, floor: 30,
                                             protectionLevel: 0.1, previous: nil)
        #expect(pattern.isHidden(ReleaseCell("unit", ["A"]), measure: "index", node: "S/L"))
        #expect(pattern.isHidden(ReleaseCell("unit", ["A"]), measure: "index", node: "S/S"))
        #expect(!pattern.withheld.contains(ReleaseCell("unit", ["A"])))
        c.units[0].n = 60
    }

    @Test func aBreakdownWithASmallValueWithholdsAPartnerValue() {
        let c = Campaign(units: [("A", "P", nil, 60, 50), ("B", "P", nil, 60, 40)],
                         breakdown: [("paper", 100, 80), ("kiosk", 3, 2), ("web", 17, 8)])
        let pattern = c.pattern()
        #expect(pattern.withheld.contains(ReleaseCell("channel", ["kiosk"])))
        #expect(pattern.withheld.contains(ReleaseCell("channel", ["web"])) || pattern.withheld.contains(ReleaseCell("channel", ["paper"])))
    }

    @Test func aLateResponseIsNotVisibleAsADifferenceBetweenReleases() {
        let before = Campaign(units: [("A", "P", nil, 40, 36), ("B", "P", nil, 40, 30), ("C", "P", nil, 50, 45), ("D", "Q", nil, 60, 50)])
        let first = before.pattern()
        #expect(first.withheld.isEmpty)
        var after = before
        after.units[0].n = 41 // one late response in A (and 30 more in D, so a new release is made)
        after.units[0].satisfied = 37
        after.units[3].n = 90
        after.units[3].satisfied = 75
        let previous = ReleasePattern.Previous(
            pattern: first, respondents: [Dictionary(uniqueKeysWithValues: before.units.map { ($0.code, $0.n) })],
            nodes: [[Dictionary(uniqueKeysWithValues: before.units.map { ($0.code, [ReleaseFigures.Figure(n: $0.n, mass: $0.satisfied),
                                                                                       .init(n: $0.n, mass: $0.satisfied)]) })]])
        let second = after.pattern(previous: previous)
        #expect(second.withheld.contains(ReleaseCell("unit", ["A"])))
        // Its province changed by 1 too: withheld, and A's change is not a sum of shown changes.
        #expect(second.withheld.contains(ReleaseCell("province", ["P"])))
        #expect(!Self.determined(ReleaseCell("unit", ["A"]), in: after.family, pattern: second))
    }

    @Test func whatWasWithheldStaysWithheld() {
        let c = Campaign(units: [("A", "P", nil, 3, 3), ("B", "P", nil, 40, 36), ("C", "P", nil, 50, 45), ("D", "Q", nil, 60, 50)])
        let first = c.pattern()
        var later = c
        for i in later.units.indices { later.units[i].n += 40; later.units[i].satisfied += 30 }
        let previous = ReleasePattern.Previous(
            pattern: first, respondents: [Dictionary(uniqueKeysWithValues: c.units.map { ($0.code, $0.n) })],
            nodes: [[Dictionary(uniqueKeysWithValues: c.units.map { ($0.code, [ReleaseFigures.Figure(n: $0.n, mass: $0.satisfied),
                                                                                 .init(n: $0.n, mass: $0.satisfied)]) })]])
        let second = later.pattern(previous: previous)
        #expect(first.withheld.isSubset(of: second.withheld))
    }
}
