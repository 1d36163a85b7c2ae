/// Deterministic synthetic responses for any questionnaire, for demos, tests and benchmarks.
///
/// Units are laid out in blocks (as returned forms usually are), each unit with its own level of
/// satisfaction and each PSU a small cluster effect, so that designs produce realistic standard
/// errors. Conditional items follow their `relevant` condition except for a small share of
/// deliberate violations, which exercise the warnings path.
public struct SyntheticResponses {
    public enum Design: String, Sendable, CaseIterable {
        /// No design columns: simple random sampling.
        case srs
        /// `stratum` (the unit) and `weight`.
        case strata
        /// `psu` and `weight`, no strata.
        case psu
        /// `stratum` (the unit), `psu` nested in it (labels reused across strata) and `weight`;
        /// every seventh unit has a single PSU (a lonely PSU).
        case strataPsu = "strata-psu"
    }

    public let questionnaire: Questionnaire
    public let rows: Int
    public let units: Int
    public let design: Design
    public let seed: UInt64
    public let header: [String]
    /// The range units' levels of satisfaction are drawn from (each item answered satisfied with
    /// about that probability).
    public let satisfaction: ClosedRange<Double>
    /// Whether every seventh unit has a single PSU.
    public let lonelyPsus: Bool

    private let items: [Item]
    private let scales: [String: Scale]
    /// Per item: the satisfied and the other codes of its scale (likert), precomputed.
    private let likertPools: [(satisfied: [Int], other: [Int], notApplicable: Int?)?]
    private let conditions: [CompiledCondition?]
    private var random: SplitMix64
    private var values: [Double]
    private var next = 0

    public init(questionnaire: Questionnaire, rows: Int, units: Int, design: Design, seed: UInt64,
                satisfaction: ClosedRange<Double> = 0.55...0.95, lonelyPsus: Bool = true) {
        self.satisfaction = satisfaction
        self.lonelyPsus = lonelyPsus
        self.questionnaire = questionnaire
        self.rows = rows
        self.units = max(1, units)
        self.design = design
        self.seed = seed
        items = questionnaire.items
        let scales = Dictionary(questionnaire.scales.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        self.scales = scales
        likertPools = questionnaire.items.map { item in
            guard item.type == .likert, let scale = scales[item.scale ?? ""] else { return nil }
            return (scale.codes.map(\.code).filter { scale.satisfied.contains($0) },
                    scale.codes.map(\.code).filter { !scale.satisfied.contains($0) },
                    scale.notApplicable.first)
        }
        var slot: [String: Int] = [:]
        for (i, item) in items.enumerated() where slot[item.code] == nil { slot[item.code] = i }
        conditions = items.map { item in
            guard let text = item.relevant, let e = try? RelevanceParser.parse(text) else { return nil }
            return e.compiled { slot[$0] ?? -1 }
        }
        random = SplitMix64(seed: seed)
        values = [Double](repeating: .nan, count: items.count)
        var header = ["response_id", "province", "unit", "channel"]
        switch design {
        case .srs: break
        case .strata: header += ["stratum", "weight"]
        case .psu: header += ["psu", "weight"]
        case .strataPsu: header += ["stratum", "psu", "weight"]
        }
        self.header = header + items.map(\.code)
    }

    public static let channels = Channel.allCases.map(\.rawValue)

    public var provinceCount: Int { max(1, (units + 9) / 10) }

    public func unitLabel(_ u: Int) -> String { "U" + pad(u + 1, 4) }
    public func provinceLabel(ofUnit u: Int) -> String { "P" + pad(u % provinceCount + 1, 2) }

    /// Appends the next row as CSV bytes (with a trailing newline); false when all rows are out.
    public mutating func appendRow(to out: inout [UInt8]) -> Bool {
        guard next < rows else { return false }
        let r = next
        next += 1
        let unit = Int((Int64(r) * Int64(units)) / Int64(max(rows, 1)))
        let unitStart = Int((Int64(unit) * Int64(rows) + Int64(units) - 1) / Int64(units))
        let unitRows = max(1, Int((Int64(unit + 1) * Int64(rows) + Int64(units) - 1) / Int64(units)) - unitStart)
        let psus = lonelyPsus && unit % 7 == 6 ? 1 : 3 + Int(hash(UInt64(unit), 1) % 4)
        let psu = min(psus - 1, (r - unitStart) * psus / unitRows)
        let globalPsu = unit * 8 + psu

        let unitLevel = satisfaction.lowerBound + (satisfaction.upperBound - satisfaction.lowerBound) * unitInterval(hash(UInt64(unit), 2))
        let psuShift = 0.12 * (unitInterval(hash(UInt64(globalPsu), 3)) - 0.5)
        let level = min(0.98, max(0.05, unitLevel + psuShift))

        append("R" + pad(r + 1, 8), to: &out)
        out.append(UInt8(ascii: ","))
        append(provinceLabel(ofUnit: unit), to: &out)
        out.append(UInt8(ascii: ","))
        append(unitLabel(unit), to: &out)
        out.append(UInt8(ascii: ","))
        append(Self.channels[random.below(Self.channels.count)], to: &out)
        let weight = 20 + Double(hash(UInt64(globalPsu), 4) % 18_000) / 100
        switch design {
        case .srs: break
        case .strata:
            append(",\(unitLabel(unit)),\(DecimalText.plain(20 + Double(hash(UInt64(unit), 4) % 18_000) / 100))", to: &out)
        case .psu:
            append(",\(unitLabel(unit))-C\(psu + 1),\(DecimalText.plain(weight))", to: &out)
        case .strataPsu:
            append(",\(unitLabel(unit)),C\(psu + 1),\(DecimalText.plain(weight))", to: &out)
        }
        for i in items.indices { values[i] = .nan }
        for (i, item) in items.enumerated() {
            out.append(UInt8(ascii: ","))
            if let condition = conditions[i] {
                let holds = values.withUnsafeBufferPointer { condition.evaluate($0) }
                if !holds && random.unit() >= 0.002 { continue }
            }
            answer(item, index: i, level: level, to: &out)
        }
        out.append(UInt8(ascii: "\n"))
        return true
    }

    private mutating func answer(_ item: Item, index i: Int, level: Double, to out: inout [UInt8]) {
        switch item.type {
        case .likert:
            guard let pools = likertPools[i] else { return }
            let u = random.unit()
            if u < 0.01 { return }
            if let na = pools.notApplicable, u < 0.03 {
                values[i] = Double(na)
                appendInt(na, to: &out)
                return
            }
            let pool = (random.unit() < level || pools.other.isEmpty) ? pools.satisfied : pools.other
            let code = pool[random.below(pool.count)]
            values[i] = Double(code)
            appendInt(code, to: &out)
        case .single:
            guard let options = item.options, !options.isEmpty else { return }
            // Filter questions lean to "yes" (the first option) so conditional items get answers.
            let code = random.unit() < 0.45 ? options[0].code : options[random.below(options.count)].code
            values[i] = Double(code)
            appendInt(code, to: &out)
        case .multi:
            guard let options = item.options, !options.isEmpty, random.unit() < 0.8 else { return }
            let first = random.below(options.count)
            var chosen = [options[first].code]
            if options.count > 1 && random.unit() < 0.4 {
                chosen.append(options[(first + 1 + random.below(options.count - 1)) % options.count].code)
            }
            values[i] = 1
            append(chosen.map(String.init).joined(separator: ";"), to: &out)
        case .number:
            let n = 18 + random.below(63)
            values[i] = Double(n)
            appendInt(n, to: &out)
        case .date:
            values[i] = 1
            append("2026-\(pad(1 + random.below(12), 2))-\(pad(1 + random.below(28), 2))", to: &out)
        case .text:
            if random.unit() < 0.03 {
                values[i] = 1
                append("\"Ý kiến, góp ý số \(1 + random.below(100))\"", to: &out)
            }
        }
    }

    private func hash(_ x: UInt64, _ salt: UInt64) -> UInt64 {
        var g = SplitMix64(seed: seed &* 0x2545_F491_4F6C_DD1D ^ x &* 31 ^ salt &* 0x9E37_79B9)
        return g.next()
    }

    private func unitInterval(_ h: UInt64) -> Double { Double(h >> 11) * 0x1p-53 }

    private func append(_ s: String, to out: inout [UInt8]) { out.append(contentsOf: s.utf8) }

    private func appendInt(_ n: Int, to out: inout [UInt8]) {
        if n >= 0 && n < 10 { out.append(UInt8(48 + n)); return }
        out.append(contentsOf: String(n).utf8)
    }

    private func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
