import CSIPASScan
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A field of the current record, as positions in the scanner's buffer.
public struct CSVField {
    public enum Kind: UInt8 { case plain, quoted, complex }
    /// The whole field up to its delimiter.
    public var rawStart: Int
    public var rawEnd: Int
    /// The value's bytes (between quotes for a quoted field); for `complex` use the slow path.
    public var start: Int
    public var end: Int
    public var kind: Kind
}

/// Problems the scanner itself finds: they concern bytes, not values.
public enum CSVScanProblem {
    case nulByte(line: Int, field: Int)
    case invalidUTF8(line: Int, field: Int)
    case unterminatedQuote(line: Int, field: Int)
}

/// Streams RFC 4180 records out of a byte source with a fixed-size, reused buffer: memory does not
/// grow with the file. Tracks physical line numbers (a record is named by its first line), checks
/// UTF-8 and NUL bytes as it goes, and hands each record to the caller as field positions.
public final class CSVScanner {
    public private(set) var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// One bit per buffer byte that needs a look (delimiters, quotes, NUL, bytes >= 0x80), plus a
    /// sentinel bit at `length`: fields are found by bit scans rather than byte by byte.
    private var special: UnsafeMutablePointer<UInt64>
    private var length = 0
    private var position = 0
    private var atEOF = false
    private let read: (UnsafeMutablePointer<UInt8>, Int) -> Int
    /// Fields of the current record (manual storage: read in the per-row loops without copies).
    public private(set) var fieldPointer: UnsafeMutablePointer<CSVField>
    public private(set) var fieldCount = 0
    private var fieldCapacity = 64
    public private(set) var line = 1
    /// Line of the record most recently returned.
    public private(set) var recordLine = 0
    public private(set) var bytesConsumed = 0
    /// Offset in the input of the byte after the last record returned.
    public var offset: Int { bytesConsumed + position }
    public var problems: [CSVScanProblem] = []
    private var skipBOM: Bool

    /// - Parameter read: fills up to `count` bytes and returns how many (0 at the end).
    /// - Parameter startsFile: the input is the start of a file, where a byte-order mark may stand.
    public init(bufferSize: Int = 1 << 22, startsFile: Bool = true, read: @escaping (UnsafeMutablePointer<UInt8>, Int) -> Int) {
        skipBOM = startsFile
        capacity = bufferSize
        buffer = .allocate(capacity: bufferSize + 8)
        special = .allocate(capacity: bufferSize / 64 + 2)
        special.initialize(to: 1)
        self.read = read
        fieldPointer = .allocate(capacity: fieldCapacity)
    }

    deinit {
        special.deallocate()
        buffer.deallocate()
        fieldPointer.deallocate()
    }

    /// The current record's fields, as an array (for code off the hot path).
    public var fields: [CSVField] { Array(UnsafeBufferPointer(start: fieldPointer, count: fieldCount)) }

    @inline(__always)
    private func appendField(_ f: CSVField) {
        if fieldCount == fieldCapacity {
            let bigger = UnsafeMutablePointer<CSVField>.allocate(capacity: fieldCapacity * 2)
            bigger.update(from: fieldPointer, count: fieldCount)
            fieldPointer.deallocate()
            fieldPointer = bigger
            fieldCapacity *= 2
        }
        fieldPointer[fieldCount] = f
        fieldCount += 1
    }

    private func refill() {
        if position > 0 {
            memmove(buffer, buffer + position, length - position)
            length -= position
            bytesConsumed += position
            position = 0
        }
        if length == capacity {
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2 + 8)
            bigger.update(from: buffer, count: length)
            buffer.deallocate()
            buffer = bigger
            capacity *= 2
            special.deallocate()
            special = .allocate(capacity: capacity / 64 + 2)
        }
        while length < capacity && !atEOF {
            let n = read(buffer + length, capacity - length)
            if n <= 0 { atEOF = true } else { length += n }
        }
        if skipBOM && length >= 3 {
            if buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF { position = 3 }
            skipBOM = false
        } else if atEOF {
            skipBOM = false
        }
        sipas_mark_special_bytes(buffer, length, special)
        special[length >> 6] = (length & 63 == 0 ? 0 : special[length >> 6]) | 1 << UInt64(length & 63)
    }

    /// The position of the first byte at or after `i` that needs a look, or `length`.
    @inline(__always)
    private func nextSpecial(_ i: Int) -> Int {
        var w = i >> 6
        var bits = special[w] & (~0 << UInt64(i & 63))
        while bits == 0 {
            w += 1
            bits = special[w]
        }
        return w << 6 + bits.trailingZeroBitCount
    }

    /// Advances to the next record that is not an empty line. False at the end of the input.
    public func next() -> Bool {
        while true {
            if position >= length {
                if atEOF { return false }
                refill()
                if position >= length && atEOF { return false }
                continue
            }
            let problemCount = problems.count
            if let end = scanRecord(from: position, final: atEOF) {
                position = end
                if isBlankLine() { continue }
                return true
            }
            // The record runs past the buffer: drop its partial problems and rescan after a refill.
            problems.removeSubrange(problemCount...)
            refill()
        }
    }

    private func isBlankLine() -> Bool {
        guard fieldCount == 1, fieldPointer[0].kind == .plain else { return false }
        var i = fieldPointer[0].start
        while i < fieldPointer[0].end {
            let b = buffer[i]
            if b != 32 && b != 9 && b != 13 && b != 10 { return false }
            i += 1
        }
        return true
    }

    /// Scans one record starting at `start`. Returns the position after it, or nil when the
    /// buffer ends first and more input may follow.
    private func scanRecord(from start: Int, final: Bool) -> Int? {
        fieldCount = 0
        var i = start
        var lineHere = line
        let firstLine = line
        let n = length
        let buf = buffer
        while true {
            // One field.
            let fieldIndex = fieldCount + 1
            let rawStart = i
            if i < n && buf[i] == 34 {
                // Quoted field.
                i += 1
                let contentStart = i
                var doubled = false
                var closing = -1
                while true {
                    i = nextSpecial(i)
                    if i >= n { break }
                    let b = buf[i]
                    if b == 44 { i += 1; continue }
                    if b == 34 {
                        if i + 1 < n && buf[i + 1] == 34 { doubled = true; i += 2; continue }
                        if i + 1 >= n && !final { return nil }
                        closing = i
                        i += 1
                        break
                    }
                    if b == 10 { lineHere += 1 }
                    else if b == 0 { problems.append(.nulByte(line: lineHere, field: fieldIndex)) }
                    else if b >= 0x80 {
                        let len = utf8Length(at: i, limit: n)
                        if len == 0 { if !final && n - i < 4 { return nil }; problems.append(.invalidUTF8(line: lineHere, field: fieldIndex)); i += 1; continue }
                        i += len
                        continue
                    }
                    i += 1
                }
                if closing < 0 {
                    if !final { return nil }
                    problems.append(.unterminatedQuote(line: firstLine, field: fieldIndex))
                    appendField(CSVField(rawStart: rawStart, rawEnd: n, start: contentStart, end: n, kind: .complex))
                    line = lineHere
                    recordLine = firstLine
                    return n
                }
                // After the closing quote: whitespace, then a delimiter; anything else is kept literally.
                var complex = doubled
                while i < n {
                    let b = buf[i]
                    if b == 44 || b == 10 { break }
                    if b != 32 && b != 9 && b != 13 { complex = true }
                    if b == 0 { problems.append(.nulByte(line: lineHere, field: fieldIndex)) }
                    if b >= 0x80 {
                        let len = utf8Length(at: i, limit: n)
                        if len == 0 { if !final && n - i < 4 { return nil }; problems.append(.invalidUTF8(line: lineHere, field: fieldIndex)); i += 1; continue }
                        i += len
                        continue
                    }
                    i += 1
                }
                if i >= n && !final { return nil }
                appendField(CSVField(rawStart: rawStart, rawEnd: i, start: contentStart, end: closing,
                                       kind: complex ? .complex : .quoted))
            } else {
                while true {
                    i = nextSpecial(i)
                    if i >= n { break }
                    let b = buf[i]
                    if b == 44 || b == 10 { break }
                    if b == 34 { i += 1; continue }  // a quote inside an unquoted field is literal
                    if b == 0 { problems.append(.nulByte(line: lineHere, field: fieldIndex)); i += 1; continue }
                    let len = utf8Length(at: i, limit: n)
                    if len == 0 { if !final && n - i < 4 { return nil }; problems.append(.invalidUTF8(line: lineHere, field: fieldIndex)); i += 1; continue }
                    i += len
                }
                if i >= n && !final { return nil }
                appendField(CSVField(rawStart: rawStart, rawEnd: i, start: rawStart, end: i, kind: .plain))
            }
            if i >= n {
                line = lineHere
                recordLine = firstLine
                return n
            }
            if buf[i] == 10 {
                line = lineHere + 1
                recordLine = firstLine
                return i + 1
            }
            i += 1  // comma
        }
    }

    /// Length of a well-formed UTF-8 sequence at `i`, or 0 if malformed or cut by `limit`.
    @inline(__always)
    private func utf8Length(at i: Int, limit: Int) -> Int {
        let b0 = buffer[i]
        let len: Int
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: len = 2
        case 0xE0: len = 3; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: len = 3
        case 0xED: len = 3; hi = 0x9F
        case 0xF0: len = 4; lo = 0x90
        case 0xF1...0xF3: len = 4
        case 0xF4: len = 4; hi = 0x8F
        default: return 0
        }
        guard i + len <= limit else { return 0 }
        let b1 = buffer[i + 1]
        guard b1 >= lo && b1 <= hi else { return 0 }
        for k in 2..<max(2, len) where buffer[i + k] & 0xC0 != 0x80 { return 0 }
        return len
    }

    // MARK: Field values

    /// The field's value with surrounding whitespace removed, as byte positions (not for `complex`).
    @inline(__always)
    public func trimmed(_ f: CSVField) -> (start: Int, end: Int) {
        var s = f.start, e = f.end
        while s < e, isSpace(buffer[s]) { s += 1 }
        while e > s, isSpace(buffer[e - 1]) { e -= 1 }
        return (s, e)
    }

    @inline(__always)
    private func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 13 || b == 10 }

    /// The field's value as text: unquoted, doubled quotes undone, whitespace trimmed.
    public func string(_ f: CSVField) -> String {
        let bytes = valueBytes(f)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The field's value as bytes (unquoted, unescaped, trimmed).
    public func valueBytes(_ f: CSVField) -> [UInt8] {
        if f.kind != .complex {
            let (s, e) = trimmed(f)
            return Array(UnsafeBufferPointer(start: buffer + s, count: e - s))
        }
        var out = unquoted(f, skippingLayoutAfterQuote: false)
        while let first = out.first, isSpace(first) { out.removeFirst() }
        while let last = out.last, isSpace(last) { out.removeLast() }
        return out
    }
}

extension CSVScanner {
    /// A complex field's bytes: between its quotes with doubled quotes undone, then whatever
    /// follows the closing quote (spaces before the delimiter dropped when they are layout).
    func unquoted(_ f: CSVField, skippingLayoutAfterQuote: Bool) -> [UInt8] {
        var out: [UInt8] = []
        var i = f.rawStart
        if i < f.rawEnd && buffer[i] == 34 {
            i += 1
            while i < f.rawEnd {
                if buffer[i] == 34 {
                    if i + 1 < f.rawEnd && buffer[i + 1] == 34 { out.append(34); i += 2; continue }
                    i += 1
                    break
                }
                out.append(buffer[i])
                i += 1
            }
            if skippingLayoutAfterQuote { while i < f.rawEnd, buffer[i] == 32 || buffer[i] == 9 || buffer[i] == 13 { i += 1 } }
        }
        while i < f.rawEnd { out.append(buffer[i]); i += 1 }
        return out
    }

    /// The field's bytes exactly as written (between its quotes, nothing trimmed but the line's
    /// CR), or nil for a field with doubled quotes or text after its closing quote.
    public func exactRange(_ f: CSVField) -> (start: Int, end: Int)? {
        guard f.kind != .complex else { return nil }
        var end = f.end
        if f.kind == .plain, end > f.start, buffer[end - 1] == 13 { end -= 1 }
        return (f.start, end)
    }

    /// The field's value exactly as written: unquoted, doubled quotes undone, only the CR of a
    /// CR LF line end removed. Sampling keys are texts "exactly as written" (sampling-method §2).
    public func exactString(_ f: CSVField) -> String {
        if let (s, e) = exactRange(f) { return String(decoding: UnsafeBufferPointer(start: buffer + s, count: e - s), as: UTF8.self) }
        var out = unquoted(f, skippingLayoutAfterQuote: true)
        if out.last == 13 { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Reads a file through the C library, in large blocks.
public final class FileByteSource {
    private let file: UnsafeMutablePointer<FILE>
    public let size: Int?

    private var remaining: Int

    public init?(path: String) {
        guard let f = fopen(path, "rb") else { return nil }
        file = f
        var st = stat()
        size = stat(path, &st) == 0 ? Int(st.st_size) : nil
        remaining = .max
    }

    /// Reads only the bytes `range` of the file.
    public init?(path: String, range: Range<Int>) {
        guard let f = fopen(path, "rb") else { return nil }
        file = f
        size = range.count
        remaining = range.count
        if fseeko(f, off_t(range.lowerBound), SEEK_SET) != 0 { fclose(f); return nil }
    }

    deinit { fclose(file) }

    public func read(into pointer: UnsafeMutablePointer<UInt8>, count: Int) -> Int {
        let n = fread(pointer, 1, min(count, remaining), file)
        remaining -= n
        return n
    }
}
