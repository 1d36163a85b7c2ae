import Foundation
import SIPASCore
import Yams

/// What a draw came from (sampling-method §11): the seed, the inputs' hashes, the design with its
/// defaults filled in, the draw file's hash, when, why, and by which software.
public struct DrawRecord: Sendable {
    public static let method = "sampling-method/11"

    public var seed: String
    public var frame: TableDigest
    public var areas: [TableDigest]
    public var design: SamplingDesign
    public var keyColumn: String
    public var drawSHA256: String
    public var drawnAt: Date
    public var reason: String?
    public var software: String

    public init(sample: DrawnSample, drawnAt: Date, reason: String?, software: String) {
        seed = sample.seed
        frame = sample.frame
        areas = sample.areas
        design = sample.design
        keyColumn = sample.keyColumn
        drawSHA256 = sample.drawSHA256
        self.drawnAt = drawnAt
        self.reason = reason
        self.software = software
    }

    public var json: String {
        var fields: [(key: String, value: DocumentValue)] = [
            ("method", .string(Self.method)), ("seed", .string(seed)),
            ("frame", .map([("sha256", .string(frame.sha256)), ("rows", .integer(frame.rows))])),
        ]
        if !areas.isEmpty {
            fields.append(("areas", .list(areas.map {
                .map([("stage", .string($0.stage ?? "")), ("sha256", .string($0.sha256)), ("rows", .integer($0.rows))])
            })))
        }
        fields.append(("design", SamplingDesignWriter.document(design, frameKey: keyColumn)))
        fields.append(("draw_sha256", .string(drawSHA256)))
        fields.append(("drawn_at", .string(Self.timestamp(drawnAt))))
        if let reason { fields.append(("reason", .string(reason))) }
        fields.append(("software", .string(software)))
        return DocumentWriter.json(.map(fields))
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// Reads a record back; every problem names its field.
    public static func read(_ document: String, file: String) throws -> DrawRecord {
        func problem(_ field: String, _ message: String) -> SamplingInputProblem {
            SamplingInputProblem(file: file, column: field, message: message)
        }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: document) else { throw problem("", "tệp biên bản rỗng (the record is empty)") }
            root = node
        } catch let error as SamplingInputProblem {
            throw error
        } catch {
            throw problem("", "biên bản không phải JSON hợp lệ (not valid JSON): \(QuestionnaireReader.syntaxIssue(error).message)")
        }
        guard case .mapping(let map) = root else { throw problem("", "biên bản phải là một đối tượng JSON (expected an object)") }
        func field(_ name: String) -> Node? { map[Node(name)] }
        func text(_ node: Node?, _ name: String) throws -> String {
            guard let value = node?.scalar?.string else { throw problem(name, "thiếu \"\(name)\" (missing)") }
            return value
        }
        func digest(_ node: Node?, _ name: String) throws -> TableDigest {
            guard let node, case .mapping(let inner) = node else { throw problem(name, "thiếu \"\(name)\" (missing)") }
            guard let rows = inner[Node("rows")]?.scalar.flatMap({ Int($0.string) }) else { throw problem("\(name).rows", "thiếu số dòng (missing rows)") }
            return TableDigest(stage: inner[Node("stage")]?.scalar?.string, sha256: try text(inner[Node("sha256")], "\(name).sha256"), rows: rows)
        }
        let method = try text(field("method"), "method")
        guard method == Self.method else { throw problem("method", "phương pháp \"\(method)\" không được hỗ trợ; cần \"\(Self.method)\" (unsupported method)") }
        guard let designNode = field("design") else { throw problem("design", "thiếu thiết kế (missing design)") }
        let design: SamplingDesign
        do { design = try SamplingDesignReader.read(designNode) } catch {
            throw problem("design", "thiết kế trong biên bản không hợp lệ (invalid design): \(error.description)")
        }
        var areas: [TableDigest] = []
        if let list = field("areas") {
            guard case .sequence(let items) = list else { throw problem("areas", "cần một danh sách (expected a list)") }
            areas = try items.enumerated().map { try digest($0.element, "areas[\($0.offset)]") }
        }
        let drawnAt = ISO8601DateFormatter().date(from: (try? text(field("drawn_at"), "drawn_at")) ?? "") ?? Date(timeIntervalSince1970: 0)
        return DrawRecord(seed: try text(field("seed"), "seed"), frame: try digest(field("frame"), "frame"), areas: areas,
                          design: design, keyColumn: design.key ?? "", drawSHA256: try text(field("draw_sha256"), "draw_sha256"),
                          drawnAt: drawnAt, reason: field("reason")?.scalar?.string, software: field("software")?.scalar?.string ?? "")
    }

    init(seed: String, frame: TableDigest, areas: [TableDigest], design: SamplingDesign, keyColumn: String,
         drawSHA256: String, drawnAt: Date, reason: String?, software: String) {
        self.seed = seed
        self.frame = frame
        self.areas = areas
        self.design = design
        self.keyColumn = keyColumn
        self.drawSHA256 = drawSHA256
        self.drawnAt = drawnAt
        self.reason = reason
        self.software = software
    }
}

/// Recomputes a draw from its inputs and record and compares it with a draw file (§9, §11).
public enum DrawVerifier {
    public enum Outcome: Sendable, Equatable {
        case matches(rows: Int)
        /// What differs, first: a hash, or the first differing line of the draw.
        case differs(String)
    }

    public static func verify(frame: FrameTable, areas: [FrameTable], record: DrawRecord, draw: [UInt8]) throws -> Outcome {
        // One pass: the draw computes the frame's hash as it reads it.
        let redone = try SampleDrawRunner.draw(frame: frame, areas: areas, design: record.design, seed: record.seed)
        if redone.frame != record.frame {
            return .differs("khung mẫu khác với khung đã rút: biên bản ghi sha256 \(record.frame.sha256) (\(record.frame.rows) dòng), tệp này cho \(redone.frame.sha256) (\(redone.frame.rows) dòng) (the frame differs from the one drawn)")
        }
        for (given, recorded) in zip(redone.areas, record.areas) where given.sha256 != recorded.sha256 || given.rows != recorded.rows {
            return .differs("tệp địa bàn của giai đoạn \(recorded.stage ?? "?") khác: biên bản ghi sha256 \(recorded.sha256) (\(recorded.rows) dòng), tệp này cho \(given.sha256) (\(given.rows) dòng) (an areas file differs)")
        }
        if let line = firstDifference(redone.csv, draw) {
            return .differs(line)
        }
        let drawHash = ContentDigest.hex(of: draw)
        if drawHash != record.drawSHA256 {
            return .differs("tệp mẫu khớp với phép tính lại nhưng sha256 của nó (\(drawHash)) khác với biên bản (\(record.drawSHA256)) (the record names another draw file)")
        }
        return .matches(rows: redone.rows.count)
    }

    /// "dòng N: …" naming the first line where the recomputed draw and the given one part.
    static func firstDifference(_ expected: [UInt8], _ given: [UInt8]) -> String? {
        if expected == given { return nil }
        let a = expected.split(separator: 10, omittingEmptySubsequences: false)
        let b = given.split(separator: 10, omittingEmptySubsequences: false)
        for i in 0..<max(a.count, b.count) {
            let left = i < a.count ? String(decoding: a[i], as: UTF8.self) : nil
            let right = i < b.count ? String(decoding: b[i], as: UTF8.self) : nil
            if left != right {
                return "dòng \(i + 1) của tệp mẫu khác: tính lại được \(left.map { "\"\($0)\"" } ?? "(hết tệp)"), tệp ghi \(right.map { "\"\($0)\"" } ?? "(hết tệp)") (the draw differs at line \(i + 1))"
            }
        }
        return "tệp mẫu khác ở cách xuống dòng (the draw differs in its line ends)"
    }
}
