import Foundation
import SIPASCore

/// Computes the index of a responses file: streams the rows through the reader and feeds the core
/// accumulator. Large files are read in two parts on two threads; any problem, or a part boundary
/// that falls inside a quoted field, sends the file through the single-threaded path, which lists
/// problems exactly as a sequential read would.
public enum ResponsesIndexer {
    public struct Outcome: Sendable {
        public var result: IndexResult
        public var warnings: RelevanceWarnings
        public var rows: Int
    }

    /// The request names a column the file does not have.
    public struct UnknownColumn: Error, CustomStringConvertible {
        public var name: String
        public var option: String
        public var available: [String]
        public var description: String {
            "\(option): không có cột \"\(name)\" trong tệp; các cột có: \(available.joined(separator: ", ")) (no column \"\(name)\" in the file)"
        }
    }

    /// Files smaller than this are read on one thread: the second one would not pay for itself.
    public static let parallelThreshold = 8 << 20

    /// More groups than the caller allows.
    public struct TooManyGroups: Error, CustomStringConvertible {
        public var limit: Int
        public init(limit: Int) { self.limit = limit }
        public var description: String { "cách nhóm này tạo quá \(limit) nhóm; hãy nhóm theo ít cột hơn hoặc cột ít giá trị hơn (more than \(limit) groups)" }
    }

    public static func run(
        reader: ResponsesCSVReader, by: [String], rollupOf rollup: String?, minN: Int,
        expectedRows: Int = 0, maxGroups: Int = .max, progress: ((Int, Int) -> Void)? = nil
    ) throws -> Outcome {
        let sink = try prepare(reader, by: by, rollup: rollup, expectedRows: expectedRows, maxGroups: maxGroups)
        reader.readRows(progress: progress) { sink.consume($0) }
        if let failure = reader.failure { throw failure }
        if sink.tooManyGroups { throw TooManyGroups(limit: maxGroups) }
        return Outcome(result: sink.result(minN: minN), warnings: reader.relevanceWarnings, rows: sink.accumulator.responseCount)
    }

    /// Reads the header and resolves the requested columns.
    static func prepare(_ reader: ResponsesCSVReader, by: [String], rollup: String?, expectedRows: Int,
                        maxGroups: Int = .max) throws -> IndexRowSink {
        guard reader.readHeader() else { throw reader.failure! }
        func resolve(_ name: String, _ option: String) throws -> Int? {
            if let c = reader.column(named: name) { return c }
            if reader.questionnaire.item(name) != nil { return nil }  // an absent item is blank everywhere
            throw UnknownColumn(name: name, option: option, available: reader.header)
        }
        let byColumns = try by.map { try resolve($0, "--by") }
        let rollupColumn = try rollup.map { try resolve($0, "--rollup-mean-of") } ?? nil
        return IndexRowSink(reader: reader, by: by, byColumns: byColumns, rollupColumn: rollupColumn,
                            hasRollup: rollup != nil, expectedRows: expectedRows, maxGroups: maxGroups)
    }

    /// Computes the index of the file at `path`, on two threads when it is large.
    public static func run(
        path: String, questionnaire: Questionnaire, by: [String], rollupOf rollup: String?, minN: Int,
        parallelThreshold: Int = parallelThreshold, progress: ((Int, Int) -> Void)? = nil
    ) throws -> Outcome {
        let started = DispatchTime.now()
        guard let source = FileByteSource(path: path) else { throw CannotOpen(path: path) }
        let size = source.size ?? 0
        let sequential = { () throws -> Outcome in
            guard let again = FileByteSource(path: path) else { throw CannotOpen(path: path) }
            let reader = ResponsesCSVReader(questionnaire: questionnaire) { again.read(into: $0, count: $1) }
            return try run(reader: reader, by: by, rollupOf: rollup, minN: minN, expectedRows: size / 100, progress: progress)
        }
        guard size >= parallelThreshold else { return try sequential() }
        let head = ResponsesCSVReader(questionnaire: questionnaire, bufferSize: 1 << 16) { source.read(into: $0, count: $1) }
        _ = try prepare(head, by: by, rollup: rollup, expectedRows: 0)  // header problems and unknown columns
        let dataStart = head.scanner.offset
        guard let split = recordBoundary(path: path, near: dataStart + (size - dataStart) / 2), split > dataStart, split < size else {
            return try sequential()
        }
        let parts = [dataStart..<split, split..<size]
        let outcomes = UnsafeMutableBufferPointer<PartOutcome?>.allocate(capacity: parts.count)
        outcomes.initialize(repeating: nil)
        defer { outcomes.deinitialize(); outcomes.deallocate() }
        let shared = PartInputs(path: path, questionnaire: questionnaire, head: head, by: by, rollup: rollup,
                                outcomes: outcomes, progress: progress, dataBytes: size - dataStart)
        // Each thread writes only its own slot of `outcomes`.
        DispatchQueue.concurrentPerform(iterations: parts.count) { i in
            shared.outcomes[i] = readPart(parts[i], index: i, of: parts.count, shared, progress: i == 0 ? shared.progress : nil)
        }
        guard let first = outcomes[0], let second = outcomes[1], first.clean, second.clean,
              !first.ids.containsAny(of: second.ids) else {
            return try sequential()
        }
        let readDone = DispatchTime.now()
        first.sink.absorb(second.sink)
        let counts = zip(first.reader.relevanceWarningCounts, second.reader.relevanceWarningCounts).map { $0 + $1 }
        let warnings = RelevanceWarnings(counts: questionnaire.items.enumerated().compactMap { i, item in
            counts[i] > 0 ? (item.code, counts[i]) : nil
        })
        progress?(first.sink.accumulator.responseCount, size)
        let merged = DispatchTime.now()
        let result = first.sink.result(minN: minN)
        if ProcessInfo.processInfo.environment["SIPAS_PROFILE"] != nil {
            let ms = { (a: DispatchTime, b: DispatchTime) in Double(b.uptimeNanoseconds - a.uptimeNanoseconds) / 1e6 }
            FileHandle.standardError.write(Data("profile: read \(Int(ms(started, readDone))) ms, merge \(Int(ms(readDone, merged))) ms, estimate \(Int(ms(merged, DispatchTime.now()))) ms\n".utf8))
        }
        return Outcome(result: result, warnings: warnings, rows: first.sink.accumulator.responseCount)
    }

    public struct CannotOpen: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "không mở được tệp \(path) (cannot open the file)" }
    }

    /// What the threads share: read-only after construction, except one output slot per thread.
    private struct PartInputs: @unchecked Sendable {
        let path: String
        let questionnaire: Questionnaire
        let head: ResponsesCSVReader
        let by: [String]
        let rollup: String?
        let outcomes: UnsafeMutableBufferPointer<PartOutcome?>
        let progress: ((Int, Int) -> Void)?
        let dataBytes: Int
    }

    private struct PartOutcome {
        let reader: ResponsesCSVReader
        let sink: IndexRowSink
        let ids: ByteInterner
        /// No problem at all, so the part's rows are exactly what a sequential read would give.
        let clean: Bool
    }

    private static func readPart(_ range: Range<Int>, index: Int, of count: Int, _ inputs: PartInputs,
                                 progress: ((Int, Int) -> Void)?) -> PartOutcome? {
        guard let source = FileByteSource(path: inputs.path, range: range) else { return nil }
        let reader = ResponsesCSVReader(questionnaire: inputs.questionnaire, startsFile: false) { source.read(into: $0, count: $1) }
        reader.adoptHeader(of: inputs.head)
        // The first part's accumulator receives the others' rows: room for the whole file up front
        // (pages are only touched when used).
        let expected = (index == 0 ? inputs.dataBytes : range.count) / 90
        let sink = prepareAdopted(reader, by: inputs.by, rollup: inputs.rollup, expectedRows: expected)
        reader.readRows(progress: progress.map { p in { rows, bytes in p(rows * count, bytes * count) } }) { sink.consume($0) }
        return PartOutcome(reader: reader, sink: sink, ids: reader.responseIds, clean: reader.problemCount == 0)
    }

    /// A sink for a part whose reader adopted the header: columns were already resolved on it.
    private static func prepareAdopted(_ reader: ResponsesCSVReader, by: [String], rollup: String?, expectedRows: Int) -> IndexRowSink {
        let byColumns = by.map { reader.column(named: $0) }
        let rollupColumn = rollup.flatMap { reader.column(named: $0) }
        return IndexRowSink(reader: reader, by: by, byColumns: byColumns, rollupColumn: rollupColumn,
                            hasRollup: rollup != nil, expectedRows: expectedRows)
    }

    /// The offset just after the first line break at or after `offset`.
    static func recordBoundary(path: String, near offset: Int) -> Int? {
        guard let source = FileByteSource(path: path, range: offset..<(offset + (1 << 20))) else { return nil }
        let chunk = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 20)
        defer { chunk.deallocate() }
        let n = source.read(into: chunk, count: 1 << 20)
        for i in 0..<n where chunk[i] == 10 { return offset + i + 1 }
        return nil
    }
}
