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
    /// Entries laid out as [line:4][key length:4][row length:4][key][row].
    private var arena: [UInt8] = []
    private var entries: [SortEntry] = []
    private var spills: [URL] = []
    public private(set) var rows = 0

    public init(header: [String], chunkBytes: Int = 40 << 20) {
        self.header = CanonicalCSV.line(header)
        self.chunkBytes = chunkBytes
        arena.reserveCapacity(min(chunkBytes, 64 << 20) + (1 << 16))
    }

    deinit { for url in spills { try? FileManager.default.removeItem(at: url) } }

    /// Adds one row: its key and its projection fields (the key among them, in column order), NFC.
    public func add(key: String, fields: [String], line: Int) throws {
        rows += 1
        let offset = arena.count
        Self.appendWord(UInt32(truncatingIfNeeded: line), to: &arena)
        Self.appendWord(UInt32(key.utf8.count), to: &arena)
        Self.appendWord(0, to: &arena)
        arena += key.utf8
        let rowStart = arena.count
        for (i, field) in fields.enumerated() {
            if i > 0 { arena.append(44) }
            CanonicalCSV.appendField(field.utf8, to: &arena)
        }
        arena.append(10)
        let rowLength = UInt32(arena.count - rowStart)
        arena.withUnsafeMutableBytes { $0.storeBytes(of: rowLength.littleEndian, toByteOffset: offset + 8, as: UInt32.self) }
        entries.append(SortEntry(key: key.utf8, offset: offset))
        if arena.count >= chunkBytes { try spill() }
    }

    /// The hex digest; throws the first duplicate key found.
    public func finish() throws -> String {
        var unused: [UInt8]?
        return try finish(keeping: &unused)
    }

    /// The hex digest, and the canonical CSV itself into `projection` when it is not nil.
    public func finish(keeping kept: inout [UInt8]?) throws -> String {
        var digest = ContentDigest()
        digest.update(header)
        var projection = kept
        kept = nil
        defer { kept = projection }
        projection?.append(contentsOf: header)
        var previous: [UInt8] = []
        var previousLine = 0
        var first = true
        let emit = { (line: Int, key: UnsafeRawBufferPointer, row: UnsafeRawBufferPointer) throws in
            if !first && key.elementsEqual(previous) {
                throw DuplicateKey(key: String(decoding: key, as: UTF8.self), lines: [previousLine, line])
            }
            first = false
            previous.removeAll(keepingCapacity: true)
            previous += key
            previousLine = line
            digest.update(row)
            projection?.append(contentsOf: row)
        }
        if spills.isEmpty {
            sortChunk()
            try arena.withUnsafeBytes { raw in
                for entry in entries {
                    let (line, key, row) = Self.entry(at: entry.offset, in: raw)
                    try emit(line, key, row)
                }
            }
        } else {
            try spill()
            try merge(emit)
        }
        return digest.finalHex()
    }

    static func entry(at offset: Int, in raw: UnsafeRawBufferPointer) -> (Int, UnsafeRawBufferPointer, UnsafeRawBufferPointer) {
        let line = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        let keyLength = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)))
        let rowLength = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)))
        let key = UnsafeRawBufferPointer(rebasing: raw[(offset + 12)..<(offset + 12 + keyLength)])
        let row = UnsafeRawBufferPointer(rebasing: raw[(offset + 12 + keyLength)..<(offset + 12 + keyLength + rowLength)])
        return (line, key, row)
    }

    /// Sorts the chunk's entries by key: the first 16 bytes as two integers decide almost every
    /// comparison; only keys equal that far are compared in full.
    private func sortChunk() {
        arena.withUnsafeBytes { raw in
            entries.sort { a, b in
                if a.high != b.high { return a.high < b.high }
                if a.low != b.low { return a.low < b.low }
                return Self.entry(at: a.offset, in: raw).1.lexicographicallyPrecedes(Self.entry(at: b.offset, in: raw).1)
            }
        }
    }

    private func spill() throws {
        guard !entries.isEmpty else { return }
        sortChunk()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sipas-projection-\(UUID().uuidString).chunk")
        guard let file = fopen(url.path, "wb") else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path]) }
        spills.append(url)
        chmod(url.path, 0o600)
        defer { fclose(file) }
        try arena.withUnsafeBytes { raw in
            for entry in entries {
                let (_, key, row) = Self.entry(at: entry.offset, in: raw)
                let length = 12 + key.count + row.count
                if fwrite(raw.baseAddress! + entry.offset, 1, length, file) != length {
                    throw CocoaError(.fileWriteOutOfSpace, userInfo: [NSFilePathErrorKey: url.path])
                }
            }
        }
        arena.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
    }

    /// A k-way merge of the sorted chunks, each read through a buffer of its own.
    private func merge(_ emit: (Int, UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void) throws {
        let readers = try spills.map { try ChunkReader(path: $0.path) }
        var live = readers.filter { $0.advance() }
        while !live.isEmpty {
            var best = 0
            for i in 1..<live.count where live[i].precedes(live[best]) { best = i }
            let reader = live[best]
            try reader.withCurrent { try emit($0, $1, $2) }
            if !reader.advance() { live.remove(at: best) }
        }
    }

    private static func appendWord(_ value: UInt32, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out += $0 }
    }
}

/// A key's first 16 bytes as two big-endian integers (zero-padded), so byte order is integer order.
struct SortEntry {
    var high: UInt64
    var low: UInt64
    var offset: Int

    init(key: some Collection<UInt8>, offset: Int) {
        var high: UInt64 = 0, low: UInt64 = 0
        var i = 0
        for byte in key.prefix(16) {
            if i < 8 { high |= UInt64(byte) << (56 - 8 * i) } else { low |= UInt64(byte) << (56 - 8 * (i - 8)) }
            i += 1
        }
        self.high = high
        self.low = low
        self.offset = offset
    }
}

/// Reads a spilled chunk's entries back in order through a reused buffer.
private final class ChunkReader {
    private let file: UnsafeMutablePointer<FILE>
    private var buffer = [UInt8](repeating: 0, count: 1 << 22)
    private var start = 0
    private var end = 0
    private var hasCurrent = false
    private var currentLength = 0
    private var sortKey = SortEntry(key: [], offset: 0)

    init(path: String) throws {
        guard let file = fopen(path, "rb") else { throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: path]) }
        self.file = file
    }

    deinit { fclose(file) }

    private func ensure(_ count: Int) -> Bool {
        if end - start >= count { return true }
        if start > 0 {
            buffer.withUnsafeMutableBytes { raw in
                _ = memmove(raw.baseAddress!, raw.baseAddress! + start, end - start)
            }
            end -= start
            start = 0
        }
        if count > buffer.count { buffer += [UInt8](repeating: 0, count: count - buffer.count) }
        while end < count {
            let read = buffer.withUnsafeMutableBytes { fread($0.baseAddress! + end, 1, $0.count - end, file) }
            if read == 0 { return false }
            end += read
        }
        return true
    }

    /// Moves to the next entry; false at the end.
    func advance() -> Bool {
        if hasCurrent { start += currentLength }
        hasCurrent = false
        guard ensure(12) else { return false }
        currentLength = buffer.withUnsafeBytes { raw in
            12 + Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4, as: UInt32.self)))
                + Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 8, as: UInt32.self)))
        }
        guard ensure(currentLength) else { return false }
        buffer.withUnsafeBytes { raw in
            sortKey = SortEntry(key: ProjectionHasher.entry(at: start, in: raw).1, offset: 0)
        }
        hasCurrent = true
        return true
    }

    func precedes(_ other: ChunkReader) -> Bool {
        if sortKey.high != other.sortKey.high { return sortKey.high < other.sortKey.high }
        if sortKey.low != other.sortKey.low { return sortKey.low < other.sortKey.low }
        return buffer.withUnsafeBytes { a in
            other.buffer.withUnsafeBytes { b in
                ProjectionHasher.entry(at: start, in: a).1.lexicographicallyPrecedes(ProjectionHasher.entry(at: other.start, in: b).1)
            }
        }
    }

    func withCurrent(_ body: (Int, UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void) rethrows {
        try buffer.withUnsafeBytes { raw in
            let (line, key, row) = ProjectionHasher.entry(at: start, in: raw)
            try body(line, key, row)
        }
    }
}
