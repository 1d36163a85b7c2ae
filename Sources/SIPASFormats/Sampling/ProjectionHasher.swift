import Foundation
import SIPASCore

/// The content hash of a draw projection (sampling-method §1): SHA-256 of its canonical CSV with
/// the rows sorted by key in code-point order. Rows arrive in file order; they are sorted in
/// chunks of bounded size, spilled to temporary files and merged, so memory stays flat whatever
/// the frame's length. Equal keys meet in the sorted order, which is where duplicates are found.
public final class ProjectionHasher {
    public struct DuplicateKey: Error, Sendable, Equatable {
        public var key: String
        public var lines: [Int]
    }

    private let header: [UInt8]
    private let chunkBytes: Int
    private var arena: [UInt8] = []
    /// Offsets into `arena` of each entry: [line:4][key length:4][key][row length:4][row].
    private var entries: [Int] = []
    private var spills: [URL] = []
    public private(set) var rows = 0

    public init(header: [String], chunkBytes: Int = 48 << 20) {
        self.header = CanonicalCSV.line(header)
        self.chunkBytes = chunkBytes
    }

    deinit { for url in spills { try? FileManager.default.removeItem(at: url) } }

    /// Adds one row: its key and its projection fields (the key among them, in column order), NFC.
    public func add(key: String, fields: [String], line: Int) throws {
        rows += 1
        entries.append(arena.count)
        Self.appendWord(UInt32(truncatingIfNeeded: line), to: &arena)
        Self.appendWord(UInt32(key.utf8.count), to: &arena)
        arena += key.utf8
        let lengthAt = arena.count
        Self.appendWord(0, to: &arena)
        CanonicalCSV.appendLine(fields, to: &arena)
        let length = UInt32(arena.count - lengthAt - 4)
        arena.withUnsafeMutableBytes { $0.storeBytes(of: length.littleEndian, toByteOffset: lengthAt, as: UInt32.self) }
        if arena.count >= chunkBytes { try spill() }
    }

    /// The hex digest; throws the first duplicate key found.
    public func finish() throws -> String {
        var digest = ContentDigest()
        digest.update(header)
        var previous: (key: [UInt8], line: Int)?
        let emit: (Entry) throws -> Void = { entry in
            if let previous, previous.key == entry.key {
                throw DuplicateKey(key: String(decoding: entry.key, as: UTF8.self), lines: [previous.line, entry.line])
            }
            previous = (entry.key, entry.line)
            digest.update(entry.row)
        }
        if spills.isEmpty {
            for entry in sortedEntries() { try emit(entry) }
        } else {
            try spill()
            try merge(emit)
        }
        return digest.finalHex()
    }

    struct Entry {
        var line: Int
        var key: [UInt8]
        var row: [UInt8]
    }

    private func sortedEntries() -> [Entry] {
        arena.withUnsafeBytes { raw in
            let base = raw.baseAddress!
            func keyOf(_ offset: Int) -> UnsafeRawBufferPointer {
                let length = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)))
                return UnsafeRawBufferPointer(start: base + offset + 8, count: length)
            }
            let order = entries.sorted { a, b in
                let ka = keyOf(a), kb = keyOf(b)
                let common = min(ka.count, kb.count)
                let c = memcmp(ka.baseAddress!, kb.baseAddress!, common)
                return c != 0 ? c < 0 : ka.count < kb.count
            }
            return order.map { offset in
                let line = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                let key = keyOf(offset)
                let rowAt = offset + 8 + key.count
                let rowLength = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: rowAt, as: UInt32.self)))
                return Entry(line: line, key: Array(key), row: Array(UnsafeRawBufferPointer(start: base + rowAt + 4, count: rowLength)))
            }
        }
    }

    private func spill() throws {
        guard !entries.isEmpty else { return }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sipas-projection-\(UUID().uuidString).chunk")
        var out: [UInt8] = []
        out.reserveCapacity(arena.count)
        for entry in sortedEntries() {
            Self.appendWord(UInt32(entry.line), to: &out)
            Self.appendWord(UInt32(entry.key.count), to: &out)
            out += entry.key
            Self.appendWord(UInt32(entry.row.count), to: &out)
            out += entry.row
        }
        guard FileManager.default.createFile(atPath: url.path, contents: Data(out),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        spills.append(url)
        arena.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
    }

    /// A k-way merge of the sorted chunks, reading each in blocks.
    private func merge(_ emit: (Entry) throws -> Void) throws {
        var readers = try spills.map { try ChunkReader(url: $0) }
        var heads: [Entry?] = readers.indices.map { readers[$0].next() }
        while true {
            var best = -1
            for i in heads.indices {
                guard let head = heads[i] else { continue }
                if best < 0 || head.key.lexicographicallyPrecedes(heads[best]!.key) { best = i }
            }
            if best < 0 { return }
            try emit(heads[best]!)
            heads[best] = readers[best].next()
        }
    }

    private static func appendWord(_ value: UInt32, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }
}

/// Reads a spilled chunk's entries back in order.
private struct ChunkReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false

    init(url: URL) throws { handle = try FileHandle(forReadingFrom: url) }

    private mutating func ensure(_ count: Int) -> Bool {
        while buffer.count - position < count && !atEnd {
            let data = handle.readData(ofLength: 1 << 20)
            if data.isEmpty { atEnd = true; break }
            buffer.removeSubrange(0..<position)
            position = 0
            buffer += data
        }
        return buffer.count - position >= count
    }

    private mutating func word() -> Int? {
        guard ensure(4) else { return nil }
        let value = buffer[position..<position + 4].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        position += 4
        return value
    }

    private mutating func bytes(_ count: Int) -> [UInt8]? {
        guard ensure(count) else { return nil }
        defer { position += count }
        return Array(buffer[position..<position + count])
    }

    mutating func next() -> ProjectionHasher.Entry? {
        guard let line = word(), let keyLength = word(), let key = bytes(keyLength),
              let rowLength = word(), let row = bytes(rowLength) else { return nil }
        return ProjectionHasher.Entry(line: line, key: key, row: row)
    }
}
