import Testing
import SIPASCore

@Suite struct DecimalTextTests {
    @Test(arguments: [
        (0.0, "0"), (100, "100"), (83.94, "83.94"), (0.1, "0.1"), (1e-5, "0.00001"),
        (1.2345e-7, "0.00000012345"), (1.5e20, "150000000000000000000"), (-2.5e-3, "-0.0025"),
        (58.1136518176628, "58.1136518176628"),
    ])
    func plainDecimalNeverUsesAnExponent(value: Double, text: String) {
        #expect(DecimalText.plain(value) == text)
        #expect(Double(DecimalText.plain(value)) == value)
    }

    @Test func plainRoundTripsArbitraryDoubles() {
        var g = SplitMix64(seed: 9)
        for _ in 0..<2000 {
            let v = Double(bitPattern: g.next() & 0x7FEF_FFFF_FFFF_FFFF) * (g.unit() < 0.5 ? 1 : -1)
            let text = DecimalText.plain(v)
            #expect(!text.contains("e") && Double(text) == v)
        }
    }

    @Test func vietnameseFormat() {
        #expect(DecimalText.vietnamese(83.935) == "83,94")
        #expect(DecimalText.vietnamese(84.45) == "84,45")
        #expect(DecimalText.vietnamese(0) == "0,00")
        #expect(DecimalText.vietnamese(1234.5, decimals: 1) == "1.234,5")
        #expect(DecimalText.groupThousands(36630) == "36.630")
    }
}
