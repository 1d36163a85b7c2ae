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
        for (file, stage) in zip(areas, design.areaStages) {
            let table = try SamplingDraws.areasTable(file)
            for column in stage.columns where !table.header.contains(column) {
                throw AppError.invalid("tệp \(file.fileName) không có cột \"\(column)\" của giai đoạn \(stage.name); các cột: \(table.header.joined(separator: ", "))", field: "/areas")
            }
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
        let store = self.store
        let (frame, rows, measured) = try await platform.read { sql in
            let frame = try await store.latestFrame(campaignId: campaign.id, on: sql)
            let rows = frame?.status == "fixed" ? try await store.rows(frameId: frame!.id, withContacts: false, keptOnly: true, on: sql) : []
            return (frame, rows, try await platform.store.campaigns.units(of: campaign.id, on: sql).map(\.unit))
        }
        guard frame?.status == "fixed" else { return Sizes(rows: [], total: empty, note: "Chưa có khung mẫu đã chốt: nhập khung mẫu và chọn hồ sơ giữ lại trước.") }
        if design.isMultiStage {
            return Sizes(rows: [], total: empty, note: "Thiết kế nhiều giai đoạn: cỡ mẫu từng tầng phụ thuộc địa bàn được chọn, xem sau khi rút (\(design.personStage.size.name) trong mỗi địa bàn).")
        }
        let table = SamplingDraws.frameTable(rows)
        var populations: [String: Int] = [:]
        let person = design.personStage
        let positions = person.strata.compactMap { table.header.firstIndex(of: $0) }
        for row in table.rows { populations[positions.map { row.values[$0] }.joined(separator: "/"), default: 0] += 1 }
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
