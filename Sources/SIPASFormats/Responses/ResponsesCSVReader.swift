import SIPASCore

/// Reads the responses CSV interchange format (v1) as a stream: checks every rule of the format
/// against a questionnaire, lists all problems with line and column, and hands each valid row to
/// the caller. Memory depends on the widest row, not on the number of rows — except for the set
/// of response ids seen, which duplicate detection needs.
public final class ResponsesCSVReader {
    public let questionnaire: Questionnaire
    public let schema: ResponsesSchema
    public var evaluator: ResponseEvaluator { schema.evaluator }
    public let scanner: CSVScanner
    public let problemCap: Int
    public private(set) var header: [String] = []
    public private(set) var problemCount = 0
    public private(set) var problems: [ResponsesProblem] = []
    public private(set) var rowCount = 0

    private var roles: [ColumnRole] = []
    /// Flat copy of `roles` for the per-row loop.
    private var specs: UnsafeMutablePointer<ColumnSpec> = .allocate(capacity: 1)
    /// 256 flags per column: whether a small code is allowed.
    private var smallCodes: UnsafeMutablePointer<Bool> = .allocate(capacity: 1)
    private let ids: ByteInterner
    private var irrelevant: [Int]
    private var scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
    private var scratchCapacity = 256
    private let values: UnsafeMutableBufferPointer<Double>
    private let relevant: UnsafeMutableBufferPointer<Bool>
    private var weightValue = 1.0
    public private(set) var hasWeight = false
    public private(set) var hasStratum = false
    public private(set) var hasPsu = false

    /// `schema`: the questionnaire's, when the caller keeps one (it is costly to build per
    /// single submission); `expectedRows` sizes the duplicate-id table.
    public init(questionnaire: Questionnaire, schema: ResponsesSchema? = nil, problemCap: Int = 100,
                bufferSize: Int = 1 << 22, expectedRows: Int = 1 << 15, startsFile: Bool = true,
                read: @escaping (UnsafeMutablePointer<UInt8>, Int) -> Int) {
        self.questionnaire = questionnaire
        self.schema = schema ?? ResponsesSchema(questionnaire)
        ids = ByteInterner(capacity: max(16, expectedRows * 2), orderedKeys: true)
        scanner = CSVScanner(bufferSize: bufferSize, startsFile: startsFile, read: read)
        self.problemCap = problemCap
        irrelevant = [Int](repeating: 0, count: questionnaire.items.count)
        values = .allocate(capacity: max(1, questionnaire.items.count))
        relevant = .allocate(capacity: self.schema.evaluator.relevanceSlots)
    }

    deinit {
        values.deallocate()
        relevant.deallocate()
        specs.deallocate()
        smallCodes.deallocate()
        scratch.deallocate()
    }

    public convenience init?(questionnaire: Questionnaire, path: String, problemCap: Int = 100) {
        guard let source = FileByteSource(path: path) else { return nil }
        self.init(questionnaire: questionnaire, problemCap: problemCap) { source.read(into: $0, count: $1) }
    }

    /// Keep handing rows to the caller after a problem (importers checking more per row than the
    /// format does, so that one run lists every problem).
    public var deliversRowsAfterProblems = false

    /// Records a problem the caller found in the current row (e.g. an unknown unit).
    public func reportProblem(column: Int?, message: String) {
        report(scanner.recordLine, column, message)
    }

    func report(_ line: Int, _ column: Int?, _ message: String) {
        problemCount += 1
        if problems.count < problemCap {
            let name = column.flatMap { $0 - 1 < header.count ? header[$0 - 1] : nil }
            problems.append(ResponsesProblem(line: line, column: column, columnName: name, message: message))
        }
    }

    /// Index of a column by its (trimmed, exact) name.
    public func column(named name: String) -> Int? { header.firstIndex(of: name) }

    // MARK: Header

    /// Reads the header row. Returns false (with problems recorded) when the file cannot be read
    /// further: no header, or no `response_id` column.
    public func readHeader() -> Bool {
        guard scanner.next() else {
            drainScanProblems()
            report(1, nil, "tệp rỗng: cần một dòng tiêu đề có cột response_id (the file is empty: a header row with response_id is required)")
            return false
        }
        header = scanner.fields.map { scanner.string($0) }
        // Two files an office often sends instead of CSV: the workbook itself, and Excel's
        // Vietnamese CSV with ";" between columns. One clear message each, not a page of NULs.
        if header.first?.hasPrefix("PK\u{3}\u{4}") == true {
            report(1, nil, "tệp là bảng tính Excel (XLSX), không phải CSV: trong Excel chọn Tệp → Lưu thành → \"CSV UTF-8 (phân cách bằng dấu phẩy)\" rồi tải tệp đó lên (an XLSX workbook, not CSV)")
            return false
        }
        drainScanProblems()
        if header.count == 1, header[0].contains(";"), header[0].contains("response_id") {
            report(scanner.recordLine, nil, "các cột được phân cách bằng dấu chấm phẩy (;), cách Excel đặt tiếng Việt lưu CSV; hãy lưu lại với dấu phẩy: Tệp → Lưu thành → \"CSV UTF-8 (phân cách bằng dấu phẩy)\" (columns are separated by ';': save as comma-separated CSV UTF-8)")
            return false
        }
        var seen: [String: Int] = [:]
        for (c, name) in header.enumerated() {
            if let first = seen[name] {
                report(scanner.recordLine, c + 1, "tên cột \"\(name)\" trùng với cột \(first + 1); mỗi cột phải có tên riêng (duplicate column name)")
            } else {
                seen[name] = c
            }
            if name.isEmpty {
                report(scanner.recordLine, c + 1, "cột không có tên; hãy đặt tên hoặc xóa cột trống (a column has no name)")
            }
            roles.append(schema.role(of: name))
        }
        compileSpecs()
        hasWeight = header.contains("weight")
        hasStratum = header.contains("stratum")
        hasPsu = header.contains("psu")
        guard header.contains("response_id") else {
            report(scanner.recordLine, nil, "thiếu cột response_id (mã phiếu) bắt buộc; cột đầu tiên thường là response_id (the required response_id column is missing)")
            return false
        }
        return true
    }

    /// Reads the rows of a later part of the same file, whose header `other` has read.
    public func adoptHeader(of other: ResponsesCSVReader) {
        header = other.header
        roles = other.roles
        hasWeight = other.hasWeight
        hasStratum = other.hasStratum
        hasPsu = other.hasPsu
        compileSpecs()
    }

    private func compileSpecs() {
        specs.deallocate()
        smallCodes.deallocate()
        specs = .allocate(capacity: max(1, roles.count))
        smallCodes = .allocate(capacity: max(1, roles.count) * 256)
        smallCodes.initialize(repeating: false, count: max(1, roles.count) * 256)
        for (c, role) in roles.enumerated() {
            specs[c] = role.spec
            if let table = role.table {
                for code in 0..<256 where table.contains(code) { smallCodes[c * 256 + code] = true }
            }
        }
    }

    private func drainScanProblems() {
        for p in scanner.problems {
            switch p {
            case let .nulByte(line, field):
                report(line, field, "có byte NUL trong tệp; tệp có thể là tệp nhị phân hoặc bị hỏng (a NUL byte: binary or damaged file)")
            case let .invalidUTF8(line, field):
                report(line, field, "không phải văn bản UTF-8 hợp lệ; tệp có thể được lưu bằng bảng mã cũ (Windows-1258, TCVN3/ABC, VNI). Hãy mở bằng Excel hoặc LibreOffice và lưu lại dưới dạng \"CSV UTF-8\" (not valid UTF-8: re-save the file as UTF-8)")
            case let .unterminatedQuote(line, field):
                report(line, field, "dấu ngoặc kép mở nhưng không đóng đến hết tệp (an unterminated quoted field at the end of the file)")
            }
        }
        scanner.problems.removeAll(keepingCapacity: true)
    }

    // MARK: Rows

    /// Streams the data rows. `body` is called for each row while no problem has been found; once
    /// the file is known to be refused, scanning continues only to list the remaining problems.
    public func readRows(progress: ((Int, Int) -> Void)? = nil, _ body: (ResponsesCSVReader) -> Void) {
        let width = header.count
        while scanner.next() {
            let line = scanner.recordLine
            let before = problemCount
            if !scanner.problems.isEmpty { drainScanProblems() }
            rowCount += 1
            if rowCount & 0xFFFF == 0 { progress?(rowCount, scanner.bytesConsumed) }
            if scanner.fieldCount != width {
                report(line, nil, "dòng có \(scanner.fieldCount) trường nhưng tiêu đề có \(width) cột; kiểm tra dấu phẩy thừa/thiếu hoặc dấu ngoặc kép (the row has \(scanner.fieldCount) fields, the header \(width))")
                continue
            }
            decodeRow(line: line)
            if problemCount == before {
                evaluator.checkRelevance(UnsafeBufferPointer(values), relevant: relevant) { irrelevant[$0] += 1 }
                if problemCount == 0 || deliversRowsAfterProblems { body(self) }
            }
        }
        if !scanner.problems.isEmpty { drainScanProblems() }
        progress?(rowCount, scanner.bytesConsumed)
    }

    private func decodeRow(line: Int) {
        let buf = UnsafePointer(scanner.buffer)
        let fields = scanner.fieldPointer
        let values = self.values
        values.update(repeating: .nan)
        weightValue = 1
        for c in 0..<scanner.fieldCount {
            let spec = specs[c]
            if spec.kind == .attribute || spec.kind == .stratum || spec.kind == .psu { continue }
            let field = fields[c]
            // The usual answer: one digit, unquoted.
            if spec.kind == .coded && field.kind == .plain && field.end - field.start == 1 {
                let digit = Int(buf[field.start]) &- 48
                if digit >= 0 && digit <= 9 && smallCodes[c * 256 + digit] {
                    values[Int(spec.item)] = Double(digit)
                    continue
                }
            }
            if field.kind == .complex {
                var bytes = scanner.valueBytes(field)
                bytes.append(0)
                bytes.withUnsafeBufferPointer { decode(spec, $0.baseAddress!, 0, $0.count - 1, line: line, column: c + 1) }
            } else {
                let (s, e) = scanner.trimmed(field)
                decode(spec, buf, s, e, line: line, column: c + 1)
            }
        }
    }

    @inline(__always)
    private func decode(_ spec: ColumnSpec, _ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, line: Int, column: Int) {
        let item = Int(spec.item)
        switch spec.kind {
        case .attribute, .stratum, .psu:
            return
        case .responseId:
            if s == e {
                report(line, column, "response_id trống; mỗi phiếu cần một mã riêng (response_id is empty)")
                return
            }
            let (id, inserted) = ids.intern(p + s, e - s, payload: Int32(line))
            if !inserted {
                report(line, column, "response_id \"\(text(p, s, e))\" đã dùng ở dòng \(ids.payload(id)) (duplicate response_id, first on line \(ids.payload(id)))")
            }
        case .weight:
            guard s < e else {
                report(line, column, "trọng số trống; khi có cột weight, mỗi dòng cần một số dương (a blank weight in a present weight column)")
                return
            }
            guard let w = ValueParsing.decimal(p, s, e, exponent: true), w > 0 else {
                report(line, column, "trọng số \"\(text(p, s, e))\" không hợp lệ: cần một số hữu hạn lớn hơn 0, dùng dấu chấm thập phân (weight must be a finite number > 0)")
                return
            }
            weightValue = w
        case .coded:
            guard s < e else { return }
            guard let code = ValueParsing.integer(p, s, e) else {
                report(line, column, AnswerRules.notInteger(text(p, s, e)))
                return
            }
            guard allowed(code, column: column - 1) else {
                report(line, column, AnswerRules.notAllowed(code, roles[column - 1].table!))
                return
            }
            values[item] = Double(code)
        case .multi:
            guard s < e else { return }
            var start = s
            var i = s
            var ok = true
            while i <= e {
                if i == e || p[i] == 59 {
                    var a = start, b = i
                    while a < b && (p[a] == 32 || p[a] == 9) { a += 1 }
                    while b > a && (p[b - 1] == 32 || p[b - 1] == 9) { b -= 1 }
                    if a == b {
                        report(line, column, AnswerRules.emptyPart(text(p, s, e)))
                        ok = false
                    } else if let code = ValueParsing.integer(p, a, b) {
                        if !allowed(code, column: column - 1) {
                            report(line, column, AnswerRules.notAllowed(code, roles[column - 1].table!))
                            ok = false
                        }
                    } else {
                        report(line, column, AnswerRules.notIntegerPart(text(p, a, b)))
                        ok = false
                    }
                    start = i + 1
                }
                i += 1
            }
            if ok { values[item] = 1 }
        case .number:
            guard s < e else { return }
            guard let v = ValueParsing.decimal(p, s, e, exponent: false) else {
                report(line, column, AnswerRules.notNumber(text(p, s, e)))
                return
            }
            values[item] = v
        case .date:
            guard s < e else { return }
            guard ValueParsing.isISODate(p, s, e) else {
                report(line, column, AnswerRules.notDate(text(p, s, e)))
                return
            }
            values[item] = 1
        case .text:
            if s < e { values[item] = 1 }
        }
    }

    @inline(__always)
    private func allowed(_ code: Int, column: Int) -> Bool {
        if code >= 0 && code < 256 { return smallCodes[column * 256 + code] }
        return roles[column].table?.contains(code) ?? false
    }

    private func text(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> String {
        let t = String(decoding: UnsafeBufferPointer(start: p + s, count: min(e - s, 60)), as: UTF8.self)
        return e - s > 60 ? t + "…" : t
    }

    // MARK: The current row

    /// Numeric answers of the current row per questionnaire item (NaN = blank).
    public var currentValues: UnsafeBufferPointer<Double> { UnsafeBufferPointer(values) }
    /// Outcome of each `relevant` condition for the current row.
    public var currentRelevance: UnsafeBufferPointer<Bool> { UnsafeBufferPointer(relevant) }
    public var currentWeight: Double { weightValue }
    public var currentLine: Int { scanner.recordLine }

    /// The trimmed, unquoted bytes of a column of the current row; valid until the next row.
    @inline(__always)
    public func field(_ column: Int) -> (pointer: UnsafePointer<UInt8>, count: Int) {
        let field = scanner.fieldPointer[column]
        if field.kind != .complex {
            let (s, e) = scanner.trimmed(field)
            return (UnsafePointer(scanner.buffer) + s, e - s)
        }
        let bytes = scanner.valueBytes(field)
        if bytes.count > scratchCapacity {
            scratch.deallocate()
            scratchCapacity = bytes.count * 2
            scratch = .allocate(capacity: scratchCapacity)
        }
        bytes.withUnsafeBufferPointer { if let base = $0.baseAddress { scratch.update(from: base, count: $0.count) } }
        return (UnsafePointer(scratch), bytes.count)
    }

    public func string(column: Int) -> String { scanner.string(scanner.fieldPointer[column]) }

    /// Answers kept but invalid for the index, per item.
    public var relevanceWarnings: RelevanceWarnings {
        RelevanceWarnings(counts: questionnaire.items.enumerated().compactMap { i, item in
            irrelevant[i] > 0 ? (item.code, irrelevant[i]) : nil
        })
    }

    /// The response ids read so far (for checking parts read in parallel against each other).
    public var responseIds: ByteInterner { ids }

    /// Answers to non-relevant items per item index (for adding up parts read in parallel).
    public var relevanceWarningCounts: [Int] { irrelevant }

    public var failure: ResponsesImportFailed? {
        problemCount > 0 ? ResponsesImportFailed(problems: problems, total: problemCount) : nil
    }
}

/// A column's role as plain data, for the per-row loop.
struct ColumnSpec {
    enum Kind: UInt8 { case attribute, responseId, stratum, psu, weight, coded, multi, number, date, text }
    var kind: Kind
    var item: Int32
}

/// What a column means for the reader.
enum ColumnRole {
    case responseId, stratum, psu, weight, attribute
    case coded(item: Int, CodeTable)
    case multi(item: Int, CodeTable)
    case number(item: Int)
    case date(item: Int)
    case text(item: Int)

    var spec: ColumnSpec {
        switch self {
        case .responseId: return ColumnSpec(kind: .responseId, item: -1)
        case .stratum: return ColumnSpec(kind: .stratum, item: -1)
        case .psu: return ColumnSpec(kind: .psu, item: -1)
        case .weight: return ColumnSpec(kind: .weight, item: -1)
        case .attribute: return ColumnSpec(kind: .attribute, item: -1)
        case let .coded(item, _): return ColumnSpec(kind: .coded, item: Int32(item))
        case let .multi(item, _): return ColumnSpec(kind: .multi, item: Int32(item))
        case let .number(item): return ColumnSpec(kind: .number, item: Int32(item))
        case let .date(item): return ColumnSpec(kind: .date, item: Int32(item))
        case let .text(item): return ColumnSpec(kind: .text, item: Int32(item))
        }
    }

    var table: CodeTable? {
        switch self {
        case let .coded(_, table), let .multi(_, table): return table
        default: return nil
        }
    }

    /// The role of the column of item `i`.
    init(item i: Int, questionnaire q: Questionnaire) {
        let item = q.items[i]
        switch item.type {
        case .likert:
            let scale = q.scale(item.scale ?? "")
            self = .coded(item: i, CodeTable(codes: scale.map { Array($0.answerCodes) } ?? [], what: "các mức trả lời của câu \(item.code)"))
        case .single:
            self = .coded(item: i, CodeTable(codes: item.options?.map(\.code) ?? [], what: "các lựa chọn của câu \(item.code)"))
        case .multi:
            self = .multi(item: i, CodeTable(codes: item.options?.map(\.code) ?? [], what: "các lựa chọn của câu \(item.code)"))
        case .number: self = .number(item: i)
        case .date: self = .date(item: i)
        case .text: self = .text(item: i)
        }
    }
}

/// Allowed codes of a column, with a fast path for small codes.
struct CodeTable {
    var small: [Bool]
    var other: Set<Int>
    var sorted: [Int]
    var what: String

    init(codes: [Int], what: String) {
        small = [Bool](repeating: false, count: 256)
        other = []
        for c in codes {
            if c >= 0 && c < 256 { small[c] = true } else { other.insert(c) }
        }
        sorted = codes.sorted()
        self.what = what
    }

    @inline(__always)
    func contains(_ code: Int) -> Bool { code >= 0 && code < 256 ? small[code] : other.contains(code) }

    var describe: String { "\(what) (\(sorted.map(String.init).joined(separator: ", ")))" }
}
