import Testing
@testable import SIPASCore

/// `dashboard-measures.md`, rule by rule, on small cases worked by hand.
@Suite struct DashboardMeasuresTests {
    private static func rows(_ answers: [[String: Double]]) -> [Harness.Row] { answers.map { Harness.Row(answers: $0) } }

    @Test func gainsOfEveryLeafAddUpToWhatTheIndexLacks() {
        let q = Harness.questionnaire()
        let result = Harness.run(q, Self.rows((0..<40).map { i in ["F": 1, "A1": i % 3 == 0 ? 2 : 5, "A2": i % 4 == 0 ? 1 : 4, "B1": i % 5 == 0 ? 3 : 5] }))
        let priorities = ImprovementPriorities.of(result, questionnaire: q)
        #expect(priorities.map(\.item).count == 3)
        let root = result.row("ROOT")!.estimate!
        #expect(abs(priorities.reduce(0) { $0 + ($1.gain ?? 0) } - (100 - root)) < 1e-9)
        // ROOT = mean(A, B), A = mean(A1, A2): A1 and A2 weigh 1/4 each, B1 1/2.
        let weights = Dictionary(uniqueKeysWithValues: priorities.map { ($0.item, $0.weight) })
        #expect(weights == ["A1": 0.25, "A2": 0.25, "B1": 0.5])
        #expect(zip(priorities, priorities.dropFirst()).allSatisfy { $0.gain! >= $1.gain! })
        let a1 = priorities.first { $0.item == "A1" }!
        #expect(abs(a1.gainSE! - 0.25 * result.row("A1")!.se!) < 1e-12)
    }

    @Test func anUndefinedChildHandsItsShareToItsSiblings() {
        let q = Harness.questionnaire(rootRule: .weighted, rootWeights: [3, 1])
        // B1 is never asked (F = 2): B is undefined, A carries the whole index.
        let result = Harness.run(q, Self.rows((0..<40).map { i in ["F": 2, "A1": i % 2 == 0 ? 5 : 2, "A2": 4] }))
        let priorities = ImprovementPriorities.of(result, questionnaire: q)
        let weights = Dictionary(uniqueKeysWithValues: priorities.map { ($0.item, $0.weight) })
        #expect(weights == ["A1": 0.5, "A2": 0.5, "B1": 0])
        #expect(abs(priorities.reduce(0) { $0 + ($1.gain ?? 0) } - (100 - result.row("ROOT")!.estimate!)) < 1e-9)
        // B1 has no estimate: its gain is undefined (blank), and it comes after every defined one.
        #expect(priorities.last?.item == "B1" && priorities.last?.gain == nil && priorities.last?.gainSE == nil)
        // Equal gains keep the tree's order.
        let tied = ImprovementPriorities.of(Harness.run(q, Self.rows((0..<40).map { _ in ["F": 1, "A1": 5, "A2": 5, "B1": 5] })), questionnaire: q)
        #expect(tied.map(\.item) == ["A1", "A2", "B1"])
    }

    @Test func standingIsDecidedByTheIntervalNeverThePoint() {
        #expect(Standing.of(low: 90.1, high: 94, lowN: false, against: 90) == .above)
        #expect(Standing.of(low: 80, high: 89.9, lowN: false, against: 90) == .below)
        #expect(Standing.of(low: 89, high: 99, lowN: false, against: 90) == .indistinguishable)
        #expect(Standing.of(low: 90, high: 99, lowN: false, against: 90) == .indistinguishable)
        #expect(Standing.of(low: 95, high: 99, lowN: true, against: 90) == .lowN)
    }

    @Test func targetsAboveAndAtLeast() {
        let above = Target(percent: 93, comparator: .above), reach = Target(percent: 93, comparator: .atLeast)
        #expect(TargetStanding.of(estimate: 95, low: 93, high: 97, lowN: false, target: above).outcome == .tooCloseToCall)
        #expect(TargetStanding.of(estimate: 95, low: 93, high: 97, lowN: false, target: reach).outcome == .met)
        #expect(TargetStanding.of(estimate: 90, low: 88, high: 92.9, lowN: false, target: reach).outcome == .notMet)
        let s = TargetStanding.of(estimate: 92.7, low: 90.2, high: 95.2, lowN: false, target: above)
        #expect(s.outcome == .tooCloseToCall)
        #expect(abs(s.distance! - -0.3) < 1e-12 && abs(s.distanceLow! - -2.8) < 1e-12 && abs(s.distanceHigh! - 2.2) < 1e-12)
        #expect(TargetStanding.of(estimate: 99, low: 98, high: 100, lowN: true, target: above).outcome == .lowN)
    }

    @Test func rankRangesCountOnlyClearlyBetterAndWorseUnits() {
        let ranked = Ranking.rank([
            RankedEntry(code: "c", estimate: 85, low: 83, high: 87, lowN: false),
            RankedEntry(code: "a", estimate: 92, low: 90, high: 94, lowN: false),
            RankedEntry(code: "b", estimate: 91, low: 86, high: 96, lowN: false),
            RankedEntry(code: "z", estimate: 99, low: 95, high: 100, lowN: true),
            RankedEntry(code: "d", estimate: 85, low: 80, high: 90, lowN: false),
        ])
        #expect(ranked.map(\.code) == ["a", "b", "c", "d", "z"])
        #expect(ranked.map(\.rank) == [1, 2, 3, 4, nil])
        // a: nobody clearly above; c (83–87) and d? d's high 90 is not < a's low 90 → only c below.
        #expect(ranked[0].bestRank == 1 && ranked[0].worstRank == 3)
        #expect(ranked[1].bestRank == 1 && ranked[1].worstRank == 4)
        // c: a lies clearly above (90 > 87); b does not (86 < 87).
        #expect(ranked[2].bestRank == 2 && ranked[2].worstRank == 4)
        #expect(ranked[3].bestRank == 1 && ranked[3].worstRank == 4)
        #expect(ranked[4].bestRank == nil)
    }

    @Test func changeBetweenCampaigns() {
        func row(_ e: Double, _ se: Double, lowN: Bool = false) -> IndexResult.Row {
            .init(group: [], index: "R", node: "R", title: "R", depth: 0, isLeaf: false, n: 100, estimate: e, se: se,
                  ciLow: e - 1.96 * se, ciHigh: e + 1.96 * se, lowN: lowN)
        }
        let up = Change.between(earlier: row(85, 1), later: row(90, 1.5))!
        #expect(abs(up.delta - 5) < 1e-12 && abs(up.se - (1 + 2.25).squareRoot()) < 1e-12)
        #expect(abs(up.low - (5 - 1.959964 * up.se)) < 1e-12 && up.direction == .up)
        #expect(Change.between(earlier: row(90, 2), later: row(89, 2))!.direction == .noClearChange)
        #expect(Change.between(earlier: row(95, 0.5), later: row(90, 0.5))!.direction == .down)
        #expect(Change.between(earlier: row(80, 0.5, lowN: true), later: row(90, 0.5))!.direction == .lowN)
        var undefined = row(90, 1)
        undefined.estimate = nil
        #expect(Change.between(earlier: undefined, later: row(90, 1)) == nil)
    }
}

/// Wishes (`dashboard-measures.md` §1): a share per option of a multiple-choice item, over those
/// who answered it under its condition, and the leaf estimate of a likert item outside the trees.
@Suite struct WishesPlanTests {
    static func questionnaire() -> Questionnaire {
        var q = Harness.questionnaire()
        q.sections.append(Section(code: "W", title: "W", items: [
            Item(code: "M", type: .multi, text: "wish", options: [CodeLabel(1, "one"), CodeLabel(2, "two")], relevant: "F == 1"),
            Item(code: "OUT", type: .likert, text: "outside", scale: "sat5"),
        ]))
        return q
    }

    @Test func everyOptionAndEveryLikertItemOutsideTheTreesIsALeaf() throws {
        let plan = try #require(WishesPlan(Self.questionnaire()))
        #expect(plan.entries.map(\.leafCode) == ["M=1", "M=2", "OUT"])
        #expect(plan.entries.map(\.optionLabel) == ["one", "two", nil])
        let m = Self.questionnaire().items.firstIndex { $0.code == "M" }!
        #expect(plan.multiOptions[m]?.count == 2)
        #expect(plan.questionnaire.item("M=2")?.relevant == "F == 1", "an option keeps its item's condition")
        #expect(WishesPlan(Harness.questionnaire()) == nil, "nothing to estimate")
    }

    @Test func aShareCountsThoseWhoAnsweredUnderTheCondition() throws {
        let plan = try #require(WishesPlan(Self.questionnaire()))
        // Chosen: 1 → "M=1" 1, "M=2" 0. Blank M: both blank. F == 2: skipped, not counted.
        let rows: [Harness.Row] = [
            .init(answers: ["F": 1, "M=1": 1, "M=2": 0, "OUT": 5]),
            .init(answers: ["F": 1, "M=1": 1, "M=2": 1, "OUT": 2]),
            .init(answers: ["F": 1, "M=1": 0, "M=2": 1, "OUT": 4], weight: 2),
            .init(answers: ["F": 1, "OUT": 9]),
            .init(answers: ["F": 2, "M=1": 1, "M=2": 0]),
        ]
        let result = Harness.run(plan.questionnaire, rows, weighted: true, minN: 1)
        let one = try #require(result.row("M=1")), two = try #require(result.row("M=2")), out = try #require(result.row("OUT"))
        #expect(one.n == 3 && abs(one.estimate! - 100 * 2 / 4) < 1e-12)
        #expect(two.n == 3 && abs(two.estimate! - 100 * 3 / 4) < 1e-12)
        #expect(out.n == 3 && abs(out.estimate! - 100 * 3 / 4) < 1e-12, "not applicable leaves the denominator")
    }
}
