import SIPASCore

/// A campaign's stored responses in the compact form the index needs, kept in memory so that an
/// index request costs the estimation, not a re-read of every answer: per response its unit,
/// stratum, PSU and channel labels, weight, the code of every single-choice item (the respondent's
/// characteristics, which analyses group by) and the valid/satisfied bit of every leaf (~50 bytes).
/// Append-only, in storage order — the order an export of the responses would list them, so
/// results equal those of the file engine to the last digit.
public struct CompactResponses: Sendable {
    public let words: Int
    public var count: Int { unitSlot.count }
    /// The highest storage id appended: later rows are read from there.
    public internal(set) var lastId = 0
    /// Dense unit slot per response (-1: none), and the unit id of each slot.
    var unitSlot: [Int32] = []
    public internal(set) var unitIds: [Int] = []
    var slotOfUnit: [Int: Int32] = [:]
    /// Label id of the stratum and PSU per response (-1: none).
    var stratum: [Int32] = []
    var psu: [Int32] = []
    var labels: [String] = []
    var labelIds: [String: Int32] = [:]
    /// Label id of the channel per response.
    var channel: [Int32] = []
    /// NaN: no weight.
    var weight: [Double] = []
    /// Questionnaire item index of each single-choice item, and its code per response
    /// (`blankCode`: no answer). Codes outside 0..<255 make the item `ungroupable` here.
    public let codedItems: [Int]
    var codes: [[UInt8]]
    public internal(set) var ungroupable: Set<Int> = []
    static let blankCode: UInt8 = 255
    /// `2 × words` per response: valid bits, then satisfied bits.
    var bits: [UInt64] = []

    public init(words: Int, codedItems: [Int]) {
        self.words = words
        self.codedItems = codedItems
        codes = codedItems.map { _ in [] }
    }

    /// Empty responses for a questionnaire.
    public init(schema: ResponsesSchema) {
        self.init(words: schema.evaluator.plan.words,
                  codedItems: schema.questionnaire.items.indices.filter { schema.questionnaire.items[$0].type == .single })
    }

    /// One stored response, as the database holds it.
    public struct Stored {
        public var id: Int
        public var unitId: Int?
        public var stratum: String?
        public var psu: String?
        public var weight: Double?
        public var channel: String
        /// The answers: one CSV record in questionnaire item order, as stored.
        public var answers: String

        public init(id: Int, unitId: Int?, stratum: String?, psu: String?, weight: Double?, channel: String, answers: String) {
            self.id = id
            self.unitId = unitId
            self.stratum = stratum
            self.psu = psu
            self.weight = weight
            self.channel = channel
            self.answers = answers
        }
    }

    /// Appends responses stored after `lastId`, in storage order.
    public mutating func append(_ rows: [Stored], schema: ResponsesSchema) {
        guard !rows.isEmpty else { return }
        let decoder = StoredAnswerDecoder(schema)
        bits.reserveCapacity(bits.count + rows.count * 2 * words)
        for row in rows {
            unitSlot.append(row.unitId.map { slot(ofUnit: $0) } ?? -1)
            stratum.append(row.stratum.map { label($0) } ?? -1)
            psu.append(row.psu.map { label($0) } ?? -1)
            channel.append(label(row.channel))
            weight.append(row.weight ?? .nan)
            decoder.leafBits(of: row.answers, into: &bits)
            for (k, item) in codedItems.enumerated() {
                let value = decoder.value(item)
                if value.isNaN {
                    codes[k].append(Self.blankCode)
                } else if value >= 0 && value < Double(Self.blankCode) {
                    codes[k].append(UInt8(value))
                } else {
                    codes[k].append(Self.blankCode)
                    ungroupable.insert(item)
                }
            }
            lastId = max(lastId, row.id)
        }
    }

    private mutating func slot(ofUnit id: Int) -> Int32 {
        if let slot = slotOfUnit[id] { return slot }
        let slot = Int32(unitIds.count)
        unitIds.append(id)
        slotOfUnit[id] = slot
        return slot
    }

    private mutating func label(_ text: String) -> Int32 {
        if let id = labelIds[text] { return id }
        let id = Int32(labels.count)
        labels.append(text)
        labelIds[text] = id
        return id
    }
}

/// Turns stored answers back into leaf states, as the responses reader does for a file: the
/// stored text is the reader's normalised output, so the values are the same.
final class StoredAnswerDecoder {
    private let schema: ResponsesSchema
    private let kinds: [ColumnSpec.Kind]
    private let values: UnsafeMutableBufferPointer<Double>
    private let relevant: UnsafeMutableBufferPointer<Bool>
    private var valid: [UInt64]
    private var satisfied: [UInt64]

    init(_ schema: ResponsesSchema) {
        self.schema = schema
        kinds = schema.itemRoles.map(\.spec.kind)
        values = .allocate(capacity: max(1, kinds.count))
        relevant = .allocate(capacity: schema.evaluator.relevanceSlots)
        valid = [UInt64](repeating: 0, count: schema.evaluator.plan.words)
        satisfied = valid
    }

    deinit {
        values.deallocate()
        relevant.deallocate()
    }

    /// The value of item `i` in the last decoded answers.
    func value(_ i: Int) -> Double { values[i] }

    func leafBits(of answers: String, into bits: inout [UInt64]) {
        var answers = answers
        answers.withUTF8 { decode($0) }
        let evaluator = schema.evaluator
        evaluator.checkRelevance(UnsafeBufferPointer(values), relevant: relevant) { _ in }
        valid.withUnsafeMutableBufferPointer { v in
            satisfied.withUnsafeMutableBufferPointer { s in
                evaluator.leafStates(UnsafeBufferPointer(values), relevant: UnsafeBufferPointer(relevant),
                                     valid: v.baseAddress!, satisfied: s.baseAddress!)
            }
        }
        bits.append(contentsOf: valid)
        bits.append(contentsOf: satisfied)
    }

    /// Splits the record into fields (only text answers are ever quoted) and sets each item's value.
    private func decode(_ text: UnsafeBufferPointer<UInt8>) {
        values.update(repeating: .nan)
        guard let p = text.baseAddress, !text.isEmpty else { return }
        let end = text.count
        var item = 0, i = 0
        while item < kinds.count && i <= end {
            var start = i, stop: Int
            var quoted = false
            if i < end && p[i] == 34 {
                quoted = true
                i += 1
                while i < end {
                    if p[i] == 34 {
                        if i + 1 < end && p[i + 1] == 34 { i += 2; continue }
                        break
                    }
                    i += 1
                }
                start += 1
                stop = i
                i += 1  // the closing quote
            } else {
                while i < end && p[i] != 44 { i += 1 }
                stop = i
            }
            if stop > start || quoted { set(item, p, start, stop) }
            i += 1  // the comma
            item += 1
        }
    }

    @inline(__always)
    private func set(_ item: Int, _ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) {
        switch kinds[item] {
        case .coded: values[item] = ValueParsing.integer(p, s, e).map(Double.init) ?? .nan
        case .number: values[item] = ValueParsing.decimal(p, s, e, exponent: false) ?? .nan
        case .multi:
            values[item] = 1
            if let options = schema.multiOptions[item] { setChosen(options, p, s, e) }
        case .date, .text: values[item] = 1
        default: break
        }
    }

    /// Stored multiple answers are canonical codes joined by ";" (`1;3;5`).
    private func setChosen(_ options: [Int: Int], _ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) {
        for derived in options.values { values[derived] = 0 }
        var start = s
        for i in s...e where i == e || p[i] == 59 {
            if let code = ValueParsing.integer(p, start, i), let derived = options[code] { values[derived] = 1 }
            start = i + 1
        }
    }
}
