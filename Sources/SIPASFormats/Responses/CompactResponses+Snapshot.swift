/// A campaign's compact responses as one binary value, stored beside the responses so that a
/// restarted server reads a million responses back in one value instead of row by row. Layout
/// (little-endian): "SIPC", format, words, count, last id, unit ids, labels, coded items and
/// those that cannot be grouped by, then the columns.
extension CompactResponses {
    public static let snapshotFormat = 2

    public func snapshot() -> [UInt8] {
        var out: [UInt8] = Array("SIPC".utf8)
        out.reserveCapacity(64 + count * (20 + 16 * words) + unitIds.count * 8 + labels.reduce(0) { $0 + $1.utf8.count + 4 })
        for value in [Self.snapshotFormat, words, count, lastId, unitIds.count] { Self.put(UInt64(value), &out) }
        for id in unitIds { Self.put(UInt64(bitPattern: Int64(id)), &out) }
        Self.put(UInt64(labels.count), &out)
        for label in labels {
            Self.put(UInt64(label.utf8.count), &out)
            out += label.utf8
        }
        for list in [codedItems, ungroupable.sorted()] {
            Self.put(UInt64(list.count), &out)
            for item in list { Self.put(UInt64(item), &out) }
        }
        for column in [unitSlot, stratum, psu, channel] {
            for v in column { Self.put32(UInt32(bitPattern: v), &out) }
        }
        for column in codes { out += column }
        for w in weight { Self.put(w.bitPattern, &out) }
        for b in bits { Self.put(b, &out) }
        return out
    }

    /// The responses of a snapshot; nil if it is not one of this format for this questionnaire.
    public init?(snapshot bytes: [UInt8], schema: ResponsesSchema) {
        let empty = CompactResponses(schema: schema)
        var reader = SnapshotReader(bytes: bytes)
        guard reader.take(4) == Array("SIPC".utf8), reader.u64() == UInt64(Self.snapshotFormat), reader.u64() == UInt64(empty.words),
              let count = reader.int(), let lastId = reader.int(), let unitCount = reader.int() else { return nil }
        self = empty
        self.lastId = lastId
        for _ in 0..<unitCount {
            guard let id = reader.u64() else { return nil }
            slotOfUnit[Int(Int64(bitPattern: id))] = Int32(unitIds.count)
            unitIds.append(Int(Int64(bitPattern: id)))
        }
        guard let labelCount = reader.int() else { return nil }
        for _ in 0..<labelCount {
            guard let n = reader.int(), let raw = reader.take(n), let label = String(validating: raw, as: UTF8.self) else { return nil }
            labelIds[label] = Int32(labels.count)
            labels.append(label)
        }
        guard let itemCount = reader.int(), let items = reader.u64s(itemCount), items.map(Int.init) == codedItems,
              let ungroupableCount = reader.int(), let notGroupable = reader.u64s(ungroupableCount) else { return nil }
        ungroupable = Set(notGroupable.map(Int.init))
        guard let slots = reader.int32s(count), let strata = reader.int32s(count), let psus = reader.int32s(count),
              let channels = reader.int32s(count) else { return nil }
        var itemCodes: [[UInt8]] = []
        for _ in codedItems {
            guard let column = reader.take(count) else { return nil }
            itemCodes.append(column)
        }
        guard let weights = reader.u64s(count), let leafBits = reader.u64s(count * 2 * words), reader.atEnd else { return nil }
        guard slots.allSatisfy({ $0 >= -1 && $0 < Int32(unitCount) }),
              (strata + psus).allSatisfy({ $0 >= -1 && $0 < Int32(labelCount) }),
              channels.allSatisfy({ $0 >= 0 && $0 < Int32(labelCount) }) else { return nil }
        unitSlot = slots
        stratum = strata
        psu = psus
        channel = channels
        codes = itemCodes
        weight = weights.map(Double.init(bitPattern:))
        bits = leafBits
    }

    private static func put(_ v: UInt64, _ out: inout [UInt8]) {
        for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * k))) }
    }

    private static func put32(_ v: UInt32, _ out: inout [UInt8]) {
        for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * k))) }
    }
}

private struct SnapshotReader {
    let bytes: [UInt8]
    var i = 0

    var atEnd: Bool { i == bytes.count }

    mutating func take(_ n: Int) -> [UInt8]? {
        guard n >= 0, bytes.count - i >= n else { return nil }
        defer { i += n }
        return Array(bytes[i..<(i + n)])
    }

    mutating func u64() -> UInt64? {
        guard bytes.count - i >= 8 else { return nil }
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(bytes[i + k]) << (8 * k) }
        i += 8
        return v
    }

    mutating func int() -> Int? { u64().flatMap { $0 <= UInt64(Int.max) ? Int($0) : nil } }

    mutating func u64s(_ n: Int) -> [UInt64]? {
        guard n >= 0, (bytes.count - i) / 8 >= n else { return nil }
        var out = [UInt64](repeating: 0, count: n)
        for j in 0..<n { out[j] = u64()! }
        return out
    }

    mutating func int32s(_ n: Int) -> [Int32]? {
        guard n >= 0, (bytes.count - i) / 4 >= n else { return nil }
        var out = [Int32](repeating: 0, count: n)
        for j in 0..<n {
            var v: UInt32 = 0
            for k in 0..<4 { v |= UInt32(bytes[i + k]) << (8 * k) }
            i += 4
            out[j] = Int32(bitPattern: v)
        }
        return out
    }
}
