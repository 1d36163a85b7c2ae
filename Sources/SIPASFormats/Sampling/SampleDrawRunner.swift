import Foundation
import SIPASCore

/// The hash of one input table's draw projection (§1, §11).
public struct TableDigest: Sendable, Equatable {
    public var stage: String?
    public var sha256: String
    public var rows: Int
}

/// A draw made from files: the selected rows, the draw file's bytes and what the record needs.
public struct DrawnSample: Sendable {
    public var design: SamplingDesign
    public var keyColumn: String
    public var seed: String
    public var frame: TableDigest
    public var areas: [TableDigest]
    public var rows: [DrawRow]
    public var csv: [UInt8]
    /// Person-stage strata: rows eligible (N_h) and sample sizes (n_h).
    public var populations: [String: Int]
    public var sizes: [String: Int]
    public var selectedAreas: [String: SelectedArea]
    /// The draw projection's canonical CSV, when asked for (`keepingProjection`).
    public var projectionCSV: [UInt8]?

    public var drawSHA256: String { ContentDigest.hex(of: csv) }
}

/// Runs a design over a frame and its areas files (sampling-method §5–§11), reading the frame
/// once; the person stage's strata are `within` then the design's strata columns.
public enum SampleDrawRunner {
    /// `keepingProjection` also returns the draw projection (a frame held in memory: its rows are
    /// sorted there, not spilled).
    public static func draw(frame: FrameTable, areas: [FrameTable], design: SamplingDesign, seed rawSeed: String,
                            keepingProjection: Bool = false) throws -> DrawnSample {
        let seed = SeededUniform.nfc(rawSeed)
        if seed.isEmpty { throw SamplingError.emptySeed }
        let uniform = SeededUniform(seed: seed)
        guard areas.count == design.areaStages.count else {
            throw SamplingInputProblem(
                file: frame.name,
                message: "thiết kế có \(design.areaStages.count) giai đoạn chọn địa bàn nhưng có \(areas.count) tệp địa bàn; cần đúng một tệp cho mỗi giai đoạn, theo thứ tự (one areas file per area stage, in order)")
        }
        var digests: [TableDigest] = []
        var above: [String: SelectedArea]?
        var rows: [DrawRow] = []
        for (stage, table) in zip(design.areaStages, areas) {
            let (records, digest) = try readAreas(table, stage: stage)
            digests.append(digest)
            let selection = try AreaSelection.select(stage: stage, areas: records, above: above, uniform: uniform)
            rows += selection.rows
            above = selection.selected
        }
        let person = PersonSelection(stage: design.personStage, uniform: uniform)
        let layout = try FrameLayout(frame, design: design)
        var projection: [UInt8]? = keepingProjection ? [] : nil
        let selected = above
        func offer(_ key: String, _ values: [String], _ row: Int) {
            if let within = layout.withinIndex {
                guard selected?[values[within]] != nil else { return }
            }
            person.add(stratum: layout.stratumKey(values), key: key, row: row)
        }
        let frameDigest: TableDigest
        if keepingProjection, let held = frame as? RowsFrameTable {
            frameDigest = try layout.readOnTwoCores(held, keeping: &projection, visit: offer)
        } else {
            frameDigest = try layout.read(frame, keeping: &projection, visit: offer)
        }
        rows += try person.finish()
        return DrawnSample(
            design: design, keyColumn: layout.keyColumn, seed: seed, frame: frameDigest, areas: digests, rows: rows,
            csv: DrawFile.csv(rows), populations: person.populations, sizes: try person.sampleSizes(),
            selectedAreas: above ?? [:], projectionCSV: projection)
    }

    /// Checks areas files as a draw would read them (keys, sizes), before a design is saved with
    /// them: the selection itself is made with a throwaway seed and discarded.
    public static func checkAreas(_ areas: [FrameTable], design: SamplingDesign) throws {
        let uniform = SeededUniform(seed: "check")
        var above: [String: SelectedArea]?
        for (stage, table) in zip(design.areaStages, areas) {
            let (records, _) = try readAreas(table, stage: stage)
            do {
                above = try AreaSelection.select(stage: stage, areas: records, above: above, uniform: uniform).selected
            } catch {
                throw SamplingInputProblem(file: table.name, column: stage.columns.count > 2 ? stage.columns[2] : nil, message: error.description)
            }
        }
    }

    /// The content hash of an areas file for its stage, as a draw's record holds it.
    public static func areasDigest(_ table: FrameTable, stage: AreaStage) throws -> TableDigest {
        try readAreas(table, stage: stage).1
    }

    /// The frame's content hash alone (`sipas sample hash`).
    public static func frameDigest(frame: FrameTable, design: SamplingDesign) throws -> TableDigest {
        try FrameLayout(frame, design: design).read(frame) { _, _, _ in }
    }

    static func readAreas(_ table: FrameTable, stage: AreaStage) throws -> ([AreaRecord], TableDigest) {
        let columns = try stage.columns.map { try FrameLayout.index(of: $0, in: table, role: "giai đoạn \(stage.name)") }
        let keyIndex = columns[1]
        let projection = Array(Set(columns)).sorted()
        let hasher = ProjectionHasher(header: projection.map { SeededUniform.nfc(table.header[$0]) })
        var records: [AreaRecord] = []
        try table.forEachRow { line, field in
            let key = SeededUniform.nfc(field(keyIndex))
            if key.isEmpty {
                throw SamplingInputProblem(file: table.name, line: line, column: stage.key, message: "mã địa bàn trống (an empty area key)")
            }
            try hasher.add(key: key, fields: projection.map { SeededUniform.nfc(field($0)) }, line: line)
            records.append(AreaRecord(parent: SeededUniform.nfc(field(columns[0])), key: key,
                                      size: columns.count > 2 ? field(columns[2]) : nil))
        }
        do {
            let sha = try hasher.finish()
            return (records, TableDigest(stage: stage.name, sha256: sha, rows: hasher.rows))
        } catch let duplicate as ProjectionHasher.DuplicateKey {
            throw SamplingInputProblem(file: table.name, line: duplicate.lines.last, column: stage.key,
                                       message: "mã địa bàn \"\(duplicate.key)\" lặp lại (cũng ở dòng \(duplicate.lines[0])); mỗi địa bàn một dòng (a duplicate area key)")
        }
    }
}

/// Where a frame's key and design columns are, and the projection they make (§1).
struct FrameLayout {
    let keyColumn: String
    let keyIndex: Int
    /// Projection columns in the frame's order.
    let projection: [Int]
    let withinIndex: Int?
    /// Positions in `projection` of the stratum key's parts: within, then the strata.
    let stratumParts: [Int]
    let header: [String]

    init(_ frame: FrameTable, design: SamplingDesign) throws {
        guard let first = frame.header.first else {
            throw SamplingInputProblem(file: frame.name, line: 1, message: "tệp không có cột nào (no columns)")
        }
        keyColumn = design.key ?? first
        keyIndex = try Self.index(of: keyColumn, in: frame, role: "khóa (key)")
        let person = design.personStage
        let parts = try ((person.within.map { [$0] } ?? []) + person.strata).map {
            try Self.index(of: $0, in: frame, role: "giai đoạn \(person.name)")
        }
        let projection = Array(Set([keyIndex] + parts)).sorted()
        self.projection = projection
        stratumParts = parts.map { projection.firstIndex(of: $0)! }
        withinIndex = person.within == nil ? nil : stratumParts.first
        header = projection.map { SeededUniform.nfc(frame.header[$0]) }
    }

    /// A frame held in memory, read twice at once: one core checks the keys and hashes the
    /// projection, the other hands every row to `visit`. `visit` sees the rows of a frame the
    /// hash then refuses: the caller keeps nothing of them when this throws.
    func readOnTwoCores(_ frame: RowsFrameTable, keeping kept: inout [UInt8]?, visit: @escaping (String, [String], Int) -> Void) throws -> TableDigest {
        let work = TwoCoreRead(layout: self, frame: frame, kept: kept, visit: visit)
        DispatchQueue.concurrentPerform(iterations: 2) { part in work.run(part) }
        kept = work.kept
        return try work.digest.get()
    }

    static func index(of column: String, in table: FrameTable, role: String) throws -> Int {
        if let index = table.header.firstIndex(of: column) { return index }
        throw SamplingInputProblem(
            file: table.name, line: 1, column: column,
            message: "không có cột \"\(column)\" (\(role)); các cột của tệp: \(table.header.joined(separator: ", ")) (no such column)")
    }

    func stratumKey(_ values: [String]) -> String {
        if stratumParts.count == 1 { return values[stratumParts[0]] }
        return stratumParts.map { values[$0] }.joined(separator: "/")
    }

    /// Reads every row once: checks keys, feeds the projection's hash, hands (key, projection
    /// values) to `visit`; returns the content hash.
    func read(_ frame: FrameTable, visit: (String, [String], Int) throws -> Void) throws -> TableDigest {
        var unused: [UInt8]?
        return try read(frame, keeping: &unused, visit: visit)
    }

    /// `visit` also gets the row's position in the frame (0 for the first row after the header).
    func read(_ frame: FrameTable, keeping kept: inout [UInt8]?, visit: (String, [String], Int) throws -> Void) throws -> TableDigest {
        let hasher = kept == nil ? ProjectionHasher(header: header) : ProjectionHasher(header: header, chunkBytes: Int.max)
        let keyPosition = projection.firstIndex(of: keyIndex)!
        var values = [String](repeating: "", count: projection.count)
        var position = -1
        try frame.forEachRow { line, field in
            position += 1
            for (i, column) in projection.enumerated() { values[i] = SeededUniform.nfc(field(column)) }
            let key = values[keyPosition]
            if key.isEmpty {
                throw SamplingInputProblem(file: frame.name, line: line, column: keyColumn,
                                           message: "khóa trống; mỗi dòng cần một mã hồ sơ riêng (an empty key)")
            }
            try hasher.add(key: key, fields: values, line: line)
            try visit(key, values, position)
        }
        do {
            return TableDigest(stage: nil, sha256: try hasher.finish(keeping: &kept), rows: hasher.rows)
        } catch let duplicate as ProjectionHasher.DuplicateKey {
            throw SamplingInputProblem(file: frame.name, line: duplicate.lines.last, column: keyColumn,
                                       message: "khóa \"\(duplicate.key)\" lặp lại (cũng ở dòng \(duplicate.lines[0])); mỗi hồ sơ một khóa riêng (a duplicate key)")
        }
    }
}

/// The two halves of `FrameLayout.readOnTwoCores`. Each part writes only its own fields, and
/// `concurrentPerform` returns after both: that is the whole of the synchronisation.
private final class TwoCoreRead: @unchecked Sendable {
    let layout: FrameLayout
    let frame: RowsFrameTable
    let visit: (String, [String], Int) -> Void
    var kept: [UInt8]?
    var digest: Result<TableDigest, any Error> = .failure(CancellationError())

    init(layout: FrameLayout, frame: RowsFrameTable, kept: [UInt8]?, visit: @escaping (String, [String], Int) -> Void) {
        self.layout = layout
        self.frame = frame
        self.kept = kept
        self.visit = visit
    }

    func run(_ part: Int) {
        if part == 0 {
            digest = Result { try layout.read(frame, keeping: &kept) { _, _, _ in } }
            return
        }
        let projection = layout.projection
        let keyPosition = projection.firstIndex(of: layout.keyIndex)!
        var values = [String](repeating: "", count: projection.count)
        for (position, row) in frame.rows.enumerated() {
            for (i, column) in projection.enumerated() { values[i] = SeededUniform.nfc(column < row.values.count ? row.values[column] : "") }
            if !values[keyPosition].isEmpty { visit(values[keyPosition], values, position) }
        }
    }
}

/// The draw file (§11): `stage,stratum,key,role,order,pi`, rows in stage, stratum, order order.
public enum DrawFile {
    public static let header = ["stage", "stratum", "key", "role", "order", "pi"]

    public static func csv(_ rows: [DrawRow]) -> [UInt8] {
        var out = CanonicalCSV.line(header)
        for row in rows {
            CanonicalCSV.appendLine([row.stage, row.stratum, row.key, row.role.rawValue, String(row.order), row.pi.description], to: &out)
        }
        return out
    }
}
