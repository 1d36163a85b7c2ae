import Foundation
import Testing
import SIPASCore
@testable import SIPASFormats

@Suite struct IndexOutputTests {
    static let csv = "response_id,A1,A2,F,unit,stratum,psu,weight\n" + (0..<40).map { i in
        "r\(i),\(i % 5 + 1),\(i % 7 == 0 ? "" : String(i % 4 + 2)),\(i % 2 + 1),\(i < 25 ? "\"Xã B, phía bắc\"" : "Xã A"),S\(i % 3),P\(i % 4),\(1 + Double(i % 3) / 2)"
    }.joined(separator: "\n") + "\n"

    @Test func csvHeaderAndCells() throws {
        let outcome = try index(Self.csv, by: ["unit"])
        let text = IndexResultWriter.csv(outcome.result)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "unit,index,node,n,estimate,se,ci_low,ci_high,low_n")
        #expect(lines[1].hasPrefix("Xã A,ROOT,ROOT,"))
        #expect(text.contains("\"Xã B, phía bắc\",ROOT,A1,"))
        #expect(!text.contains("e-") && !text.contains("e+"))
        #expect(lines.last == "")
        for line in lines.dropFirst().dropLast() {
            #expect(line.hasSuffix(",true") || line.hasSuffix(",false"))
        }
    }

    @Test func undefinedEstimatesAreEmptyCells() throws {
        let text = IndexResultWriter.csv(try index("response_id,A1\nr1,4\n").result)
        #expect(text.contains("ROOT,A2,0,,,,,true"))
        let none = IndexResultWriter.csv(try index("response_id,A1\n").result)
        #expect(none == "index,node,n,estimate,se,ci_low,ci_high,low_n\nROOT,ROOT,0,,,,,true\nROOT,A1,0,,,,,true\nROOT,A2,0,,,,,true\n")
    }

    @Test func jsonCarriesTheSameFields() throws {
        let result = try index(Self.csv, by: ["unit"]).result
        let json = IndexResultWriter.json(result)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[String: Any]]
        #expect(parsed.count == result.rows.count)
        let first = parsed[0]
        #expect(Set(first.keys) == ["unit", "index", "node", "n", "estimate", "se", "ci_low", "ci_high", "low_n"])
        #expect((first["estimate"] as! NSNumber).doubleValue == result.rows[0].estimate)
        #expect((first["low_n"] as! Bool) == result.rows[0].lowN)
        let empty = IndexResultWriter.json(try index("response_id,A1\nr1,4\n").result)
        #expect(empty.contains("\"estimate\": null"))
    }

    @Test func tableIsForPeople() throws {
        let result = try index(Self.csv, by: ["unit"], minN: 30).result
        let table = IndexResultWriter.table(result, title: "Tiêu đề")
        #expect(table.contains("unit = Xã A"))
        #expect(table.contains("Chỉ số (%)") && table.contains("Khoảng tin cậy 95%"))
        let e = result.rows[0].estimate!
        #expect(table.contains(DecimalText.vietnamese(e)))
        #expect(DecimalText.vietnamese(e).contains(","))
        #expect(table.contains("⚠ n < 30"))
    }

    @Test func theSameDataGivesTheSameFiguresWhateverTheRowOrder() throws {
        var lines = Self.csv.split(separator: "\n").map(String.init)
        let header = lines.removeFirst()
        var g = SplitMix64(seed: 4)
        lines.shuffle(using: &g)
        let shuffled = ([header] + lines).joined(separator: "\n") + "\n"
        let a = try index(Self.csv, by: ["unit"]).result, b = try index(shuffled, by: ["unit"]).result
        for (x, y) in zip(a.rows, b.rows) {
            #expect(x.node == y.node && x.group == y.group && x.n == y.n)
            #expect(abs(x.estimate! - y.estimate!) < 1e-9 && abs(x.se! - y.se!) < 1e-9)
        }
    }
}
