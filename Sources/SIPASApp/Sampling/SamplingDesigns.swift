import Foundation
import SIPASCore
import SIPASFormats
import SIPASStore

/// A campaign's sampling design (sampling-method §11) with its areas files, and the sizes each
/// stratum will get (§3–§4), shown before anything is drawn.
public struct SamplingDesigns: Sendable {
    let platform: Platform
    init(_ platform: Platform) { self.platform = platform }
    var frames: SamplingFrames { SamplingFrames(platform) }
    var store: SamplingRepository { SamplingRepository() }

    public static let documentLimit = 64 << 10
    public static let areasLimit = 32 << 20

    /// The design a new campaign starts from: a Yamane sample per measured unit, half as many reserves.
    public static let starter = """
        key: ma_ho_so
        stages:
          - name: person
            method: srs
            strata: [ma_don_vi]
            size: {rule: yamane, e: 0.05}
            scope: per-stratum
            reserves: {ratio: 0.5}

        """

    public struct State: Sendable {
        public var document: String
        public var design: SamplingDesign?
        public var areas: [(fileName: String, rows: Int)]
    }

    public func state(campaign id: Int, by user: User?) async throws -> State {
        let (_, campaign) = try await frames.administered(id, by: user)
        let (document, areas) = try await platform.read { [store] sql in
            (try await store.design(campaignId: campaign.id, on: sql), try await store.areas(campaignId: campaign.id, on: sql))
        }
        let text = document ?? Self.starter
        return State(document: text, design: try? SamplingDesignReader.read(text),
                     areas: areas.map { ($0.fileName, max(0, $0.content.split(separator: "\n").count - 1)) })
    }

    /// Saves a design (and, when given, the areas files of its area stages, in stage order).
    public func save(campaign id: Int, document: String, areas: [(fileName: String, content: String)]?, by user: User?) async throws -> State {
        let (user, campaign) = try await frames.administered(id, by: user)
        try frames.requireOpen(campaign)
        guard document.utf8.count <= Self.documentLimit else { throw AppError(.tooLarge, "thiết kế dài quá 64 KB", field: "/document") }
        let design = try Self.check(document)
        if let areas {
            if areas.reduce(0, { $0 + $1.content.utf8.count }) > Self.areasLimit { throw AppError(.tooLarge, "các tệp địa bàn quá 32 MB", field: "/areas") }
            try Self.checkAreas(areas, design: design)
        }
        // A design the fixed frame cannot give (more than it holds, minimums above the total) is
        // refused now, not at the draw.
        if !design.isMultiStage, let strata = try await fixedStrata(campaign, design: design) {
            do { _ = try PersonSelection.sampleSizes(stage: design.personStage, populations: strata.populations) } catch {
                throw AppError.invalid("khung mẫu đã chốt không cho được cỡ mẫu này: \(error.description) (the fixed frame cannot give this design)", field: "/document")
            }
        }
        let store = self.store
        try await platform.transaction { sql in
            try await store.saveDesign(campaignId: campaign.id, document: document, userId: user.id, on: sql)
            if let areas { try await store.saveAreas(campaignId: campaign.id, files: areas, on: sql) }
            try await platform.recordState(user, .campaign, id: String(campaign.id), action: "sampling.design",
                                      detail: areas.map { "tệp địa bàn: \($0.map(\.fileName).joined(separator: ", "))" } ?? "", on: sql)
        }
        return try await state(campaign: campaign.id, by: user)
    }

    /// A design whose columns are a stored frame's (`SamplingFrames.columnNames`).
    static func check(_ document: String) throws -> SamplingDesign {
        let design: SamplingDesign
        do { design = try SamplingDesignReader.read(document) } catch {
            throw AppError(.invalidContent, "thiết kế chọn mẫu chưa dùng được (the design is invalid)", field: "/document",
                           items: error.issues.map { AppError.Item(line: $0.line.map { $0 + 1 }, column: $0.column.map { $0 + 1 }, field: $0.path, message: $0.message) })
        }
        let allowed = Set(SamplingFrames.columnNames.values)
        if let key = design.key, key != SamplingFrames.columnNames[.key] {
            throw AppError.invalid("khóa của khung mẫu đã lưu là \"ma_ho_so\", không phải \"\(key)\"", field: "/document")
        }
        for column in design.frameColumns where !allowed.contains(column) {
            throw AppError.invalid("khung mẫu không có cột \"\(column)\"; các cột dùng được: \(allowed.sorted().joined(separator: ", ")) (no such frame column)", field: "/document")
        }
        return design
    }

    static func checkAreas(_ areas: [(fileName: String, content: String)], design: SamplingDesign) throws {
        guard areas.count == design.areaStages.count else {
            throw AppError.invalid("thiết kế có \(design.areaStages.count) giai đoạn chọn địa bàn nhưng có \(areas.count) tệp địa bàn; cần một tệp cho mỗi giai đoạn, theo thứ tự", field: "/areas")
        }
        var tables: [RowsFrameTable] = []
        for (file, stage) in zip(areas, design.areaStages) {
            let table = try SamplingDraws.areasTable(file)
            for column in stage.columns where !table.header.contains(column) {
                throw AppError.invalid("tệp \(file.fileName) không có cột \"\(column)\" của giai đoạn \(stage.name); các cột: \(table.header.joined(separator: ", "))", field: "/areas")
            }
            tables.append(table)
        }
        // Sizes that are not positive numbers, duplicate areas: refused now, not at the draw.
        do { try SampleDrawRunner.checkAreas(tables, design: design) } catch let problem as SamplingInputProblem {
            throw AppError(.invalidContent, "tệp \(problem.file) chưa dùng được (an areas file to correct)", field: "/areas",
                           items: [AppError.Item(line: problem.line, field: problem.column, message: problem.message)])
        }
    }

    public struct SizeRow: Sendable, Equatable {
        public var stratum: String
        /// The unit's name when the stratum starts with a unit code.
        public var label: String
        public var population: Int
        public var sample: Int
        public var reserves: Int
    }

    public struct Sizes: Sendable {
        public var rows: [SizeRow]
        public var total: SizeRow
        /// Why sizes cannot be shown (no fixed frame, a multi-stage design, a refused allocation).
        public var note: String?
    }

    /// The sizes each stratum of the person stage gets from the fixed frame (§3–§4), with totals.
    public func sizes(campaign id: Int, by user: User?) async throws -> Sizes {
        let (_, campaign) = try await frames.administered(id, by: user)
        let empty = SizeRow(stratum: "", label: "Tổng cộng", population: 0, sample: 0, reserves: 0)
        let current = try await state(campaign: campaign.id, by: user)
        guard let design = current.design else { return Sizes(rows: [], total: empty, note: "Thiết kế chưa hợp lệ.") }
        let person = design.personStage
        let noFrame = "Chưa có khung mẫu đã chốt: nhập khung mẫu và chọn hồ sơ giữ lại trước."
        if design.isMultiStage {
            let fixed = try await platform.read { [store] sql in try await store.latestFrame(campaignId: campaign.id, on: sql)?.status == "fixed" }
            return Sizes(rows: [], total: empty, note: fixed ? "Thiết kế nhiều giai đoạn: cỡ mẫu từng tầng phụ thuộc địa bàn được chọn, xem sau khi rút (\(design.personStage.size.name) trong mỗi địa bàn)." : noFrame)
        }
        guard let (populations, measured) = try await fixedStrata(campaign, design: design) else { return Sizes(rows: [], total: empty, note: noFrame) }
        let sizes: [String: Int]
        do { sizes = try PersonSelection.sampleSizes(stage: person, populations: populations) } catch {
            return Sizes(rows: [], total: empty, note: error.description)
        }
        let names = Dictionary(measured.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let out = populations.keys.sorted(by: Allocation.codePointOrder).map { key -> SizeRow in
            let n = sizes[key] ?? 0, N = populations[key]!
            let first = key.split(separator: "/").first.map(String.init) ?? key
            return SizeRow(stratum: key, label: names[first].map { key.replacingOccurrences(of: first, with: $0) } ?? key,
                           population: N, sample: n, reserves: person.reserves.reserves(sample: n, population: N))
        }
        return Sizes(rows: out, total: SizeRow(stratum: "", label: "Tổng cộng", population: out.reduce(0) { $0 + $1.population },
                                               sample: out.reduce(0) { $0 + $1.sample }, reserves: out.reduce(0) { $0 + $1.reserves }), note: nil)
    }
}

extension SamplingDesigns {
    /// Kept rows per stratum of a one-stage design's person stage in the fixed frame (nil without
    /// one), with the campaign's measured units.
    func fixedStrata(_ campaign: Campaign, design: SamplingDesign) async throws -> (populations: [String: Int], measured: [AdminUnit])? {
        let store = self.store
        let stored: [String: String] = ["ma_don_vi": "unit_code", "ma_dia_ban": "area", "linh_vuc": "service", "thu_tuc": "procedure_name", "co_quan": "agency"]
        let columns = design.personStage.strata.compactMap { stored[$0] }
        let found = try await platform.read { [platform] sql -> ([[String]: Int], [AdminUnit])? in
            guard let frame = try await store.latestFrame(campaignId: campaign.id, on: sql), frame.status == "fixed" else { return nil }
            let measured = try await platform.store.campaigns.units(of: campaign.id, on: sql).map(\.unit)
            if columns == ["unit_code"] {
                // Strata by unit, the usual design: counted beside the frame, without reading it.
                let codes = Dictionary(measured.map { ($0.id, $0.code) }, uniquingKeysWith: { a, _ in a })
                let perUnit = try await store.keptPerUnit(frameId: frame.id, on: sql)
                return (Dictionary(perUnit.compactMap { id, n in n > 0 ? codes[id].map { ([$0], n) } : nil }, uniquingKeysWith: +), measured)
            }
            return (try await store.populations(frameId: frame.id, columns: columns, on: sql), measured)
        }
        guard let (counted, measured) = found else { return nil }
        var populations: [String: Int] = [:]
        for (key, n) in counted { populations[SeededUniform.nfc(key.joined(separator: "/")), default: 0] += n }
        return (populations, measured)
    }

    /// The design as a form asks for it, for officials who do not write YAML: how to stratify,
    /// the size rule and its parameters, per stratum or a total allocated, the reserves.
    public struct Choices: Sendable {
        public var strata: String
        public var rule: String
        public var e: String
        public var p: String
        public var deff: String
        public var rr: String
        public var count: String
        public var scope: String
        public var allocation: String
        public var minimum: String
        public var reserves: String

        public init(strata: String, rule: String, e: String = "", p: String = "", deff: String = "", rr: String = "", count: String = "",
                    scope: String = "per-stratum", allocation: String = "proportional", minimum: String = "", reserves: String = "") {
            self.strata = strata
            self.rule = rule
            self.e = e
            self.p = p
            self.deff = deff
            self.rr = rr
            self.count = count
            self.scope = scope
            self.allocation = allocation
            self.minimum = minimum
            self.reserves = reserves
        }
    }

    /// The form's choices that give `design` back, or the form's defaults when the design says
    /// more than the form can (several stages, other strata, Neyman shares, a count of reserves).
    public static func choices(of design: SamplingDesign?) -> Choices {
        let defaults = Choices(strata: "ma_don_vi", rule: "yamane", e: "0,05", deff: "1", rr: "1", minimum: "0", reserves: "0,5")
        guard let design, !design.isMultiStage else { return defaults }
        let stage = design.personStage
        let strata = stage.strata.joined(separator: ",")
        guard stage.within == nil, strataChoices.contains(where: { $0.value == strata }), case .ratio(let reserves) = stage.reserves else { return defaults }
        // As an official types it: a decimal comma, no trailing zeros.
        func text(_ value: Double) -> String {
            value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(value).replacingOccurrences(of: ".", with: ",")
        }
        var out = defaults
        out.strata = strata
        out.reserves = text(reserves)
        switch stage.size {
        case .yamane(let e): out.rule = "yamane"; out.e = text(e)
        case .cochran(let e, let p, let deff, let rr): out.rule = "cochran"; out.e = text(e); out.p = text(p); out.deff = text(deff); out.rr = text(rr)
        case .fixed(let count): out.rule = "fixed"; out.count = String(count)
        }
        out.scope = stage.scope.rawValue
        switch stage.allocation.method {
        case .proportional: out.allocation = "proportional"
        case .equal: out.allocation = "equal"
        case .neyman(let shares): guard shares.isEmpty else { return defaults }; out.allocation = "neyman"
        }
        out.minimum = String(stage.allocation.minimum)
        return out
    }

    public static let strataChoices: [(value: String, label: String)] = [
        ("ma_don_vi", "Theo đơn vị (xã, phường)"), ("ma_don_vi,linh_vuc", "Theo đơn vị và lĩnh vực"),
        ("linh_vuc", "Theo lĩnh vực"), ("", "Không chia tầng"),
    ]

    /// A single-stage design from the form's choices, written as the YAML the editor shows.
    public static func document(_ c: Choices) throws -> String {
        func number(_ text: String, _ field: String, default value: Double, _ range: ClosedRange<Double>, _ label: String) throws -> Double {
            let t = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
            if t.isEmpty { return value }
            guard let v = Double(t), range.contains(v) else {
                throw AppError.invalid("\(label) phải là một số từ \(DecimalText.plain(range.lowerBound)) đến \(DecimalText.plain(range.upperBound)), ví dụ \(DecimalText.plain(value).replacingOccurrences(of: ".", with: ","))", field: field)
            }
            return v
        }
        func whole(_ text: String, _ field: String, default value: Int, _ label: String) throws -> Int {
            let t = text.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { return value }
            guard let v = Int(t), v >= 0 else { throw AppError.invalid("\(label) phải là một số nguyên không âm", field: field) }
            return v
        }
        guard strataChoices.contains(where: { $0.value == c.strata }) else { throw AppError.invalid("cách chia tầng không có trong danh sách", field: "strata") }
        let e = try number(c.e, "e", default: 0.05, 0.001...0.5, "Sai số cho phép")
        let size: SizeRule
        switch c.rule {
        case "yamane": size = .yamane(e: e)
        case "cochran":
            size = .cochran(e: e, p: try number(c.p, "p", default: 0.5, 0...1, "Tỷ lệ dự kiến"), deff: try number(c.deff, "deff", default: 1, 0.1...20, "Hệ số thiết kế"),
                            rr: try number(c.rr, "rr", default: 1, 0.01...1, "Tỷ lệ phản hồi dự kiến"))
        case "fixed":
            let count = try whole(c.count, "count", default: 0, "Số phiếu")
            if count < 1 { throw AppError.invalid("ghi số phiếu cần lấy (lớn hơn 0)", field: "count") }
            size = .fixed(count: count)
        default: throw AppError.invalid("chọn quy tắc cỡ mẫu: yamane, cochran hoặc fixed", field: "rule")
        }
        guard let scope = PersonStage.Scope(rawValue: c.scope) else { throw AppError.invalid("phạm vi cỡ mẫu không hợp lệ", field: "scope") }
        let method: Allocation.Method
        switch c.allocation {
        case "proportional": method = .proportional
        case "equal": method = .equal
        case "neyman": method = .neyman(p: [:])
        default: throw AppError.invalid("cách phân bổ không hợp lệ", field: "allocation")
        }
        let stage = PersonStage(strata: c.strata.split(separator: ",").map(String.init), size: size, scope: scope,
                                allocation: Allocation(method: method, minimum: try whole(c.minimum, "min", default: 0, "Tối thiểu mỗi tầng")),
                                reserves: .ratio(try number(c.reserves, "reserves", default: 0.5, 0...5, "Tỷ lệ dự phòng")))
        return SamplingDesignWriter.yaml(SamplingDesign(key: SamplingFrames.columnNames[.key], areaStages: [], personStage: stage),
                                         frameKey: SamplingFrames.columnNames[.key]!)
    }
}
