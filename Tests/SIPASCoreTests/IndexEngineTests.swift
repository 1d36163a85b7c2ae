import Testing
@testable import SIPASCore

/// Hand-computed cases for every estimator path of index-method.md.
@Suite struct IndexEngineTests {
    typealias Row = Harness.Row

    func close(_ a: Double?, _ b: Double, _ tol: Double = 1e-10) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tol * max(1, abs(b))
    }

    @Test func leafUnderSimpleRandomSampling() {
        // 3 of 4 valid answers satisfied: 75%. z = (sat − .75)/4; Var = 4/3 · Σz² = .0625; SE = 25 pp.
        let r = Harness.run(Harness.questionnaire(), [5, 4, 4, 2].map { Row(answers: ["A1": $0]) })
        let a1 = r.row("A1")!
        #expect(a1.n == 4)
        #expect(close(a1.estimate, 75))
        #expect(close(a1.se, 25))
        #expect(close(a1.ciLow, 75 - 1.959964 * 25))
        #expect(a1.ciHigh == 100, "the interval is clipped to [0, 100]")
        #expect(a1.lowN)
    }

    @Test func blanksNotApplicableAndNonRelevantAnswersLeaveTheDenominator() {
        let rows = [
            Row(answers: ["A1": 5, "F": 2, "B1": 5]),   // B1 answered although F != 1: not valid
            Row(answers: ["A1": 9, "F": 1, "B1": 1]),   // 9 = not applicable
            Row(answers: ["F": 1, "B1": 4]),            // A1 blank
            Row(answers: ["A1": 2]),                    // F blank: B1's condition is false
        ]
        let r = Harness.run(Harness.questionnaire(), rows)
        #expect(r.row("A1")!.n == 2)
        #expect(close(r.row("A1")!.estimate, 50))
        #expect(r.row("B1")!.n == 2)
        #expect(close(r.row("B1")!.estimate, 50))
        #expect(r.row("A2")!.estimate == nil && r.row("A2")!.n == 0 && r.row("A2")!.se == nil)
        // A = mean over its defined children only (A2 undefined): A = A1.
        #expect(close(r.row("A")!.estimate, 50))
        #expect(r.row("A")!.n == 2)
        #expect(r.row("ROOT")!.n == 4)
    }

    @Test func meanNodeLinearisation() {
        // A1: 5,4,4,2 (75%); A2: 5,5,1,blank (2/3). A = mean = 70.8333…
        let rows = zip([5.0, 4, 4, 2], [5.0, 5, 1, .nan]).map { Row(answers: ["A1": $0, "A2": $1]) }
        let r = Harness.run(Harness.questionnaire(), rows)
        let z1 = [0.25, 0.25, 0.25, -0.75].map { $0 / 4 }
        let z2 = [1.0 / 3, 1.0 / 3, -2.0 / 3, 0].map { $0 / 3 }
        let z = zip(z1, z2).map { ($0 + $1) / 2 }
        let variance = 4.0 / 3 * z.map { $0 * $0 }.reduce(0, +)
        #expect(close(r.row("A")!.estimate, (75 + 200.0 / 3) / 2))
        #expect(close(r.row("A")!.se, 100 * variance.squareRoot()))
        #expect(r.row("A")!.n == 4)
        // ROOT has one defined child (B is empty): it equals A, with the same SE.
        #expect(close(r.row("ROOT")!.estimate, r.row("A")!.estimate!))
        #expect(close(r.row("ROOT")!.se, r.row("A")!.se!))
    }

    @Test func weightedNodeUsesChildWeightsOverDefinedChildren() {
        let q = Harness.questionnaire(rootRule: .weighted, rootWeights: [3, 1])
        // A1 = 75% → A = 75; B1 (F == 1): 2 of 4 → 50. ROOT = (3·75 + 1·50)/4.
        let rows = [5.0, 4, 4, 2].enumerated().map { i, a in
            Row(answers: ["A1": a, "F": 1, "B1": i < 2 ? 5 : 1])
        }
        let r = Harness.run(q, rows)
        #expect(close(r.row("ROOT")!.estimate, (3 * 75 + 50) / 4.0))
        let zA = [0.25, 0.25, 0.25, -0.75].map { $0 / 4 }
        let zB = [0.5, 0.5, -0.5, -0.5].map { $0 / 4 }
        let z = zip(zA, zB).map { (3 * $0 + $1) / 4 }
        #expect(close(r.row("ROOT")!.se, 100 * (4.0 / 3 * z.map { $0 * $0 }.reduce(0, +)).squareRoot()))
    }

    @Test func designWeights() {
        // Weights 2,1,1 on 5,1,4: R = 3/4. z = w(sat − R)/X with X = 4.
        let rows = zip([5.0, 1, 4], [2.0, 1, 1]).map { Row(answers: ["A1": $0], weight: $1) }
        let r = Harness.run(Harness.questionnaire(), rows, weighted: true)
        #expect(close(r.row("A1")!.estimate, 75))
        let z = [2 * 0.25 / 4, 1 * -0.75 / 4, 1 * 0.25 / 4]
        #expect(close(r.row("A1")!.se, 100 * (1.5 * z.map { $0 * $0 }.reduce(0, +)).squareRoot()))
        #expect(r.row("A1")!.n == 3, "n is unweighted")
    }

    @Test func strataPsusAndALonelyPsu() {
        // S1: p1 = {5, 1}, p2 = {4}; S2: p3 = {2} alone in its stratum.
        let rows = [
            Row(answers: ["A1": 5], stratum: "S1", psu: "p1"), Row(answers: ["A1": 1], stratum: "S1", psu: "p1"),
            Row(answers: ["A1": 4], stratum: "S1", psu: "p2"), Row(answers: ["A1": 2], stratum: "S2", psu: "p3"),
        ]
        let r = Harness.run(Harness.questionnaire(), rows, psu: true)
        // R = .5, z = ±.125: totals p1 = 0, p2 = .125, p3 = −.125.
        // S1: 2/1 · ((0 − .0625)² + (.125 − .0625)²) = .015625; S2 (lonely, centred at 0): .015625.
        #expect(close(r.row("A1")!.estimate, 50))
        #expect(close(r.row("A1")!.se, 100 * 0.03125.squareRoot()))
    }

    @Test func psuLabelsAreNestedInStrata() {
        // The same label "p" in two strata is two PSUs; read as one PSU the SE would be 0.
        let rows = [
            Row(answers: ["A1": 5], stratum: "S1", psu: "p"), Row(answers: ["A1": 1], stratum: "S2", psu: "p"),
        ]
        let r = Harness.run(Harness.questionnaire(), rows, psu: true)
        // Two lonely strata: totals ±.25 → Var = .125.
        #expect(close(r.row("A1")!.se, 100 * 0.125.squareRoot()))
    }

    @Test func domainEstimationCountsPsusWithoutMembers() {
        // Group Z = {r1, r2 in p1; r4 in p3}; p2 (S1) has no member of Z but counts in n_h = 2.
        let rows = [
            Row(answers: ["A1": 5], group: "Z", stratum: "S1", psu: "p1"),
            Row(answers: ["A1": 5], group: "Z", stratum: "S1", psu: "p1"),
            Row(answers: ["A1": 4], group: "Y", stratum: "S1", psu: "p2"),
            Row(answers: ["A1": 1], group: "Z", stratum: "S2", psu: "p3"),
            Row(answers: ["A1": 4], group: "Y", stratum: "S2", psu: "p4"),
        ]
        let r = Harness.run(Harness.questionnaire(), rows, grouped: true, psu: true)
        // Z: R = 2/3, X = 3; z = 1/9, 1/9, −2/9. Totals S1: (2/9, 0); S2: (−2/9, 0).
        let t1 = [2.0 / 9, 0], t2 = [-2.0 / 9, 0]
        func ss(_ t: [Double]) -> Double { let m = t.reduce(0, +) / 2; return t.map { ($0 - m) * ($0 - m) }.reduce(0, +) }
        let variance = 2 * ss(t1) + 2 * ss(t2)
        #expect(close(r.row("A1", group: ["Z"])!.estimate, 200.0 / 3))
        #expect(close(r.row("A1", group: ["Z"])!.se, 100 * variance.squareRoot()))
        #expect(r.rows.map(\.group).first == ["Y"], "groups are sorted by code point")
    }

    @Test func meanOfGroupsRollup() {
        // P1: 5, 1 (50%); P2: 4, 4, 2 (66.67%). Roll-up = plain mean of the two.
        let rows = [5.0, 1].map { Row(answers: ["A1": $0], sub: "P1") } + [4.0, 4, 2].map { Row(answers: ["A1": $0], sub: "P2") }
        let r = Harness.run(Harness.questionnaire(), rows)
        #expect(close(r.row("A1")!.estimate, (50 + 200.0 / 3) / 2))
        let zP1: [Double] = [0.25, -0.25].map { $0 / 2 }
        let zP2: [Double] = [1.0 / 3, 1.0 / 3, -2.0 / 3].map { $0 / 6 }
        let z = zP1 + zP2
        #expect(close(r.row("A1")!.se, 100 * (5.0 / 4 * z.map { $0 * $0 }.reduce(0, +)).squareRoot()))
        #expect(r.row("A1")!.n == 5)
    }

    @Test func rollupSkipsGroupsWhereTheNodeIsUndefined() {
        let rows = [Row(answers: ["A1": 5], sub: "P1"), Row(answers: ["A2": 1], sub: "P2")]
        let r = Harness.run(Harness.questionnaire(), rows)
        #expect(close(r.row("A1")!.estimate, 100))
        #expect(close(r.row("A2")!.estimate, 0))
        #expect(close(r.row("A")!.estimate, 50))
    }

    @Test func emptyInputIsOneUndefinedGroup() {
        let r = Harness.run(Harness.questionnaire(), [])
        #expect(r.rows.count == 6)
        #expect(r.rows.allSatisfy { $0.estimate == nil && $0.se == nil && $0.n == 0 && $0.lowN })
        let grouped = Harness.run(Harness.questionnaire(), [], grouped: true)
        #expect(grouped.rows.isEmpty)
    }

    @Test func allNotApplicableIsUndefined() {
        let r = Harness.run(Harness.questionnaire(), [Row(answers: ["A1": 9]), Row(answers: ["A1": 9])])
        #expect(r.row("A1")!.estimate == nil)
        #expect(r.row("A1")!.n == 0)
    }

    @Test func oneResponseHasZeroStandardError() {
        let r = Harness.run(Harness.questionnaire(), [Row(answers: ["A1": 4, "A2": 1])])
        #expect(r.row("ROOT")!.se == 0)
        #expect(close(r.row("ROOT")!.estimate, 50))
        #expect(r.row("ROOT")!.ciLow == 50)
    }

    @Test func outputOrderIsPreorderPerTree() {
        let r = Harness.run(Harness.questionnaire(), [Row(answers: ["A1": 4])])
        #expect(r.rows.map(\.node) == ["ROOT", "A", "A1", "A2", "B", "B1"])
        #expect(r.rows.allSatisfy { $0.index == "ROOT" })
    }

    @Test func lowNThreshold() {
        let rows = (0..<5).map { _ in Row(answers: ["A1": 4]) }
        #expect(Harness.run(Harness.questionnaire(), rows, minN: 5).row("A1")!.lowN == false)
        #expect(Harness.run(Harness.questionnaire(), rows, minN: 6).row("A1")!.lowN == true)
    }

    @Test func codePointOrderOfGroups() {
        #expect(IndexAccumulator.codePointLess([""], ["a"]))
        #expect(IndexAccumulator.codePointLess(["Z"], ["a"]))
        #expect(IndexAccumulator.codePointLess(["Xã B"], ["Xã Đ"]))
        #expect(IndexAccumulator.codePointLess(["a", "z"], ["b", "a"]))
        #expect(!IndexAccumulator.codePointLess(["a"], ["a"]))
    }
}
