import Foundation
import SIPASCore
import SIPASFormats

/// The public check of a draw (sampling-method §9): anyone uploads the frame or its draw
/// projection, the areas files, the record and the draw; the draw is recomputed and compared.
/// Nothing uploaded is stored.
public struct SampleVerification: Sendable {
    /// Anyone may verify, without signing in: the files of a draw of some 10⁶ rows, not more.
    public static let uploadLimit = 64 << 20

    public struct Upload: Sendable {
        public var fileName: String
        public var bytes: [UInt8]
        public init(fileName: String, bytes: [UInt8]) {
            self.fileName = fileName
            self.bytes = bytes
        }
    }

    public enum Outcome: Sendable, Equatable {
        case matches(rows: Int, seed: String, frameSHA256: String)
        case differs(String)
    }

    public init() {}

    public func verify(frame: Upload, areas: [Upload], record: Upload, draw: Upload) throws -> Outcome {
        let size = frame.bytes.count + record.bytes.count + draw.bytes.count + areas.reduce(0) { $0 + $1.bytes.count }
        if size > Self.uploadLimit { throw AppError(.tooLarge, "các tệp quá 256 MB (the files are too large)", field: "/frame") }
        for (name, upload) in [("frame", frame), ("record", record), ("draw", draw)] where upload.bytes.isEmpty {
            throw AppError.invalid("thiếu tệp \(Self.label(name)) (a file is missing)", field: "/\(name)")
        }
        let recordText = String(decoding: record.bytes, as: UTF8.self)
        do {
            let parsed = try DrawRecord.read(recordText, file: record.fileName)
            let table = try SamplingFrames.parse(fileName: frame.fileName, bytes: frame.bytes)
            let areaTables = try areas.filter { !$0.bytes.isEmpty }.map { try SamplingFrames.parse(fileName: $0.fileName, bytes: $0.bytes) }
            switch try DrawVerifier.verify(frame: table, areas: areaTables, record: parsed, draw: draw.bytes) {
            case .matches(let rows): return .matches(rows: rows, seed: parsed.seed, frameSHA256: parsed.frame.sha256)
            case .differs(let message): return .differs(message)
            }
        } catch let problem as SamplingInputProblem {
            throw AppError(.invalidContent, "tệp \(problem.file) cần sửa trước khi kiểm tra (a file to correct first)", field: "/record",
                           items: [AppError.Item(line: problem.line, field: problem.column, message: problem.message)])
        } catch let error as SamplingError {
            throw AppError.invalid("lần rút không tính lại được: \(error.description)", field: "/record")
        }
    }

    static func label(_ field: String) -> String {
        switch field {
        case "frame": "khung mẫu (hoặc phần dùng để rút)"
        case "record": "biên bản rút mẫu (JSON)"
        default: "tệp mẫu (CSV)"
        }
    }
}
