import Testing
@testable import SIPASCore

/// The disclosure rules on hand-made results, one rule at a time.
@Suite struct DisclosureTests {
    static func result(_ groups: [([String], Int)], columns: [String], node: [String: Int] = [:]) -> IndexResult {
        var rows: [IndexResult.Row] = []
        for (group, n) in groups {
            rows.append(.init(group: group, index: "S", node: "S", title: "", depth: 0, isLeaf: false, n: n, estimate: 90, se: 1,
                              ciLow: 88, ciHigh: 92, lowN: n < 30))
            let leafN = node[group.joined(separator: "/")] ?? n
            rows.append(.init(group: group, index: "S", node: "L", title: "", depth: 1, isLeaf: true, n: leafN, estimate: 80, se: 1,
                              ciLow: 78, ciHigh: 82, lowN: leafN < 30))
        }
        return IndexResult(groupColumns: columns, rows: rows, minN: 30)
    }

    static func shownGroups(_ outcome: Disclosure.Outcome) -> Set<[String]> { Set(outcome.result.rows.map(\.group)) }

    @Test func aSmallGroupIsWithheldWithItsLabelsAndItsNeighbourSoThatSubtractionFindsNothing() {
        let r = Self.result([(["A"], 40), (["B"], 10), (["C"], 80)], columns: ["unit"])
        let out = Disclosure.apply(r, minN: 30, profileColumn: nil)
        #expect(Self.shownGroups(out) == [["C"]])
        #expect(out.withheldGroups == 2)
    }

    @Test func withheldCellsThatAlreadyHoldEnoughResponsesNeedNoCompanion() {
        let r = Self.result([(["A"], 20), (["B"], 15), (["C"], 80)], columns: ["unit"])
        #expect(Self.shownGroups(Disclosure.apply(r, minN: 30, profileColumn: nil)) == [["C"]])
        let alone = Self.result([(["A"], 50), (["B"], 45)], columns: ["unit"])
        #expect(Self.shownGroups(Disclosure.apply(alone, minN: 30, profileColumn: nil)) == [["A"], ["B"]])
    }

    @Test func oneSmallCellOfAProfileSplitWithholdsTheWholeSplitOfThatUnit() {
        let r = Self.result([(["A", "1"], 38), (["A", "2"], 2), (["C", "1"], 40), (["C", "2"], 40)], columns: ["unit", "GENDER"])
        let out = Disclosure.apply(r, minN: 30, profileColumn: 1)
        // A's split goes; across units, GENDER 2 then holds 2 hidden responses, so C's goes too.
        #expect(Self.shownGroups(out).isEmpty)
        let safe = Self.result([(["A", "1"], 38), (["A", "2"], 2), (["C", "1"], 40), (["C", "2"], 40), (["D", "1"], 50), (["D", "2"], 31)],
                               columns: ["unit", "GENDER"])
        // A's 2 women need a companion among the women: the smallest, D's 31, goes, and with it D's
        // whole split; C's stays.
        #expect(Self.shownGroups(Disclosure.apply(safe, minN: 30, profileColumn: 1)) == [["C", "1"], ["C", "2"]])
    }

    @Test func aCriterionAnsweredByFewIsBlankedWhereverItWouldBeRecovered() {
        let r = Self.result([(["A"], 60), (["B"], 70)], columns: ["unit"], node: ["A": 3, "B": 50])
        let out = Disclosure.apply(r, minN: 30, profileColumn: nil)
        let leaves = out.result.rows.filter { $0.node == "L" }
        #expect(leaves.allSatisfy { $0.estimate == nil }, "B's leaf would give back A's 3 from the total")
        #expect(leaves.allSatisfy { $0.n == 0 }, "a blanked figure's count is a figure below the floor too")
        #expect(out.result.rows.filter { $0.node == "S" }.allSatisfy { $0.estimate != nil })
    }

    @Test func aWholeResultBelowTheFloorShowsNothing() {
        let r = Self.result([([], 12)], columns: [])
        #expect(Disclosure.apply(r, minN: 30, profileColumn: nil).result.rows.isEmpty)
    }
}
