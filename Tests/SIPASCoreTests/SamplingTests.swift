import Foundation
import Testing
@testable import SIPASCore

/// Sampling-method §2–§6 on hand-checked cases (the whole draw is compared with an independent
/// implementation in Tests/Sampling).
@Suite struct SamplingTests {
    @Test func sha256MatchesTheStandardVectors() {
        #expect(ContentDigest.hex(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(ContentDigest.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(ContentDigest.hex(of: long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var pieces = ContentDigest()
        for byte in long { pieces.update([byte]) }
        #expect(pieces.finalHex() == ContentDigest.hex(of: long))
    }

    @Test func uniformNumbersAreTheSpecsAndIgnoreTheKeyboardsNormalisation() {
        #expect(SeededUniform(seed: "s").value(["person", "h", "k"]) == 0.5677695230333327)
        let composed = SeededUniform(seed: "Lạng Sơn").value(["person", "06253/Tư pháp", "HS-1"])
        #expect(composed == 0.20935919146313098)
        let decomposed = SeededUniform(seed: "Lạng Sơn".decomposedStringWithCanonicalMapping)
            .value(["person", "06253/Tư pháp".decomposedStringWithCanonicalMapping, "HS-1"])
        #expect(decomposed == composed)
    }

    @Test func sizesFollowTheRules() {
        #expect(SizeRule.yamane(e: 0.05).size(population: 1000) == 286)
        #expect(SizeRule.yamane(e: 0.05).size(population: 10) == 10)
        #expect(SizeRule.cochran(e: 0.05, p: 0.5, deff: 1.5, rr: 0.8).size(population: 12000) == 698)
        #expect(SizeRule.fixed(count: 150).size(population: 90) == 90)
        #expect(SizeRule.yamane(e: 0.05).size(population: 0) == 0)
        for n in [1, 10, 1000, 1_000_000] { #expect(SizeRule.yamane(e: 0.05).size(population: n) <= SizeRule.yamane(e: 0.05).largestSize) }
    }

    @Test func allocationUsesLargestRemaindersThenBounds() throws {
        let proportional = Allocation(method: .proportional, minimum: 5)
        #expect(try proportional.allocate(total: 100, strata: ["a": 10, "b": 20, "c": 70, "d": 1]) == ["a": 10, "b": 20, "c": 69, "d": 1])
        // Equal remainders go to the earlier key in code-point order.
        #expect(try Allocation(method: .equal).allocate(total: 10, strata: ["01": 10, "02": 10, "03": 10]) == ["01": 4, "02": 3, "03": 3])
        #expect(throws: Allocation.Refusal.minimumsExceedTotal(sumOfMinimums: 16, total: 15)) {
            try Allocation(method: .proportional, minimum: 8).allocate(total: 15, strata: ["x": 10, "y": 10])
        }
        #expect(throws: Allocation.Refusal.totalExceedsPopulation(total: 30, population: 20)) {
            try Allocation().allocate(total: 30, strata: ["x": 10, "y": 10])
        }
    }

    @Test func ppsTakesCertaintyAreasFirst() {
        let areas: [(key: String, size: Double)] = [("a", 100), ("b", 10), ("c", 10), ("d", 10), ("e", 10)]
        let picks = AreaSelection.systematicPPS(areas, count: 2, uniform: SeededUniform(seed: "s"), stage: "xa", parent: "20")
        #expect(picks.map(\.key) == ["a", "b"])
        #expect(picks.map(\.role) == [.certainty, .sample])
        #expect(picks.map(\.pi) == [1.0, 0.25])
    }

    @Test func orderedSelectionKeepsSampleThenReserves() throws {
        let selection = PersonSelection(stage: PersonStage(strata: ["unit"], size: .fixed(count: 3), reserves: .count(2)),
                                        uniform: SeededUniform(seed: "x"))
        for i in 0..<50 { selection.add(stratum: i % 2 == 0 ? "A" : "B", key: "K\(i)") }
        selection.add(stratum: "C", key: "only")
        let rows = try selection.finish()
        #expect(rows.filter { $0.stratum == "A" }.map(\.role) == [.sample, .sample, .sample, .reserve, .reserve])
        #expect(rows.filter { $0.stratum == "C" }.map(\.role) == [.sample])
        #expect(rows.first { $0.stratum == "A" }?.pi == 3.0 / 25.0)
        let u = SeededUniform(seed: "x")
        let expected = (0..<50).filter { $0 % 2 == 0 }.map { "K\($0)" }.sorted { u.value(["person", "A", $0]) < u.value(["person", "A", $1]) }
        #expect(rows.filter { $0.stratum == "A" }.map(\.key) == Array(expected.prefix(5)))
    }
}

@Suite struct FrameRulesTests {
    @Test func theSamePersonIsRecognisedWhateverTheSpelling() {
        let a = PersonIdentity.key(name: "Nguyễn Văn Ấn", phone: "0912 345 678")
        #expect(a != nil)
        #expect(PersonIdentity.key(name: "NGUYEN  VAN AN", phone: "+84912345678") == a)
        #expect(PersonIdentity.key(name: "nguyễn văn ấn".decomposedStringWithCanonicalMapping, phone: "0912.345.678") == a)
        #expect(PersonIdentity.key(name: "Đỗ Thị Hường", phone: "0900000000") == PersonIdentity.key(name: "do thi huong", phone: "0900000000"))
        #expect(PersonIdentity.key(name: "Nguyễn Văn Ân", phone: "") == nil)
        #expect(PersonIdentity.normalisedName("\t ÉLODIE\u{00A0}Ñúñez  Ǖ ") == "elodie nunez u")
        #expect(PersonIdentity.normalisedName("Ærø Σοφία") == "ærø σοφια")
        #expect(PersonIdentity.normalisedPhone(" +84 912-345-678") == "0912345678")
        #expect(PersonIdentity.normalisedPhone("84912345678") == "0912345678")
        #expect(PersonIdentity.normalisedPhone("(024) 3825 1234") == "02438251234")
    }

    @Test func datesAsOfficesWriteThem() {
        #expect(FrameDate.parse("15/03/2026") == "2026-03-15")
        #expect(FrameDate.parse("5/3/2026") == "2026-03-05")
        #expect(FrameDate.parse("2026-03-15T08:00:00") == "2026-03-15")
        #expect(FrameDate.parse("46096") == "2026-03-15")
        #expect(FrameDate.parse("31/02/2026") == nil)
        #expect(FrameDate.parse("hôm qua") == nil)
        #expect(FrameDate.parse(" 15/03/2026 ") == "2026-03-15")
        #expect(FrameDate.parse("2026-3-5 10:15") == "2026-03-05")
        #expect(FrameDate.parse("15/03-2026") == nil)
        #expect(FrameDate.parse("15/03/20266") == nil)
        #expect(FrameDate.parse("29/02/2024") == "2024-02-29")
    }

    @Test func caseCodesCatchTypos() {
        let code = CaseCode(number: 123)
        #expect(CaseCode(code.description) == code)
        var digits = Array(code.description.filter(\.isNumber))
        for i in digits.indices {
            let original = digits[i]
            digits[i] = original == "9" ? "0" : Character(String(original.wholeNumberValue! + 1))
            #expect(CaseCode(String(digits)) == nil, "a wrong digit at \(i)")
            digits[i] = original
        }
        digits.swapAt(3, 4)
        #expect(CaseCode(String(digits)) == nil || digits[3] == digits[4])
    }

    @Test func aCodeTooLongToBeACaseIsRefusedNotOverflowed() {
        #expect(CaseCode("99999999999999999992") == nil)
        #expect(CaseCode("9999999999999999999-2") == nil)
        let large = CaseCode(number: 99_999_999_999)
        #expect(CaseCode(large.description) == large)
    }
}
