#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps byte strings to dense ids (0, 1, 2, … in order of first appearance) with an open-addressing
/// table over one byte arena: ~20 bytes per distinct key, no per-key allocation. Used for response
/// ids (duplicate detection over millions of rows), group values, strata and PSUs.
public struct ByteInterner {
    private var slots: [Int32]
    private var slotHash: [UInt64]
    private var mask: Int
    private var arena: [UInt8] = []
    private var offsets: [Int] = [0]
    /// A payload per key (e.g. the line where it first appeared).
    public private(set) var payload: [Int32] = []
    private var lastId: Int32 = -1

    public init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        slotHash = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    public var count: Int { payload.count }

    /// The id of `bytes`, adding it (with `payload`) when new.
    @inline(__always)
    public mutating func intern(_ bytes: UnsafePointer<UInt8>, _ length: Int, payload newPayload: Int32 = 0) -> (id: Int, inserted: Bool) {
        if lastId >= 0 && equals(Int(lastId), bytes, length) { return (Int(lastId), false) }
        let h = Self.hash(bytes, length)
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let id = slots[i]
            if id < 0 { break }
            if slotHash[i] == h && equals(Int(id), bytes, length) {
                lastId = id
                return (Int(id), false)
            }
            i = (i + 1) & mask
        }
        let id = Int32(payload.count)
        slots[i] = id
        slotHash[i] = h
        arena.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
        offsets.append(arena.count)
        payload.append(newPayload)
        lastId = id
        if payload.count * 2 > mask { grow() }
        return (Int(id), true)
    }

    public mutating func intern(_ bytes: [UInt8], payload: Int32 = 0) -> (id: Int, inserted: Bool) {
        bytes.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else {
                var empty: UInt8 = 0
                return intern(&empty, 0, payload: payload)
            }
            return intern(base, buf.count, payload: payload)
        }
    }

    public func bytes(of id: Int) -> ArraySlice<UInt8> { arena[offsets[id]..<offsets[id + 1]] }

    @inline(__always)
    private func equals(_ id: Int, _ bytes: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        let start = offsets[id]
        guard offsets[id + 1] - start == length else { return false }
        if length == 0 { return true }
        return arena.withUnsafeBufferPointer { memcmp($0.baseAddress! + start, bytes, length) == 0 }
    }

    private mutating func grow() {
        let size = (mask + 1) * 2
        var newSlots = [Int32](repeating: -1, count: size)
        var newHash = [UInt64](repeating: 0, count: size)
        let newMask = size - 1
        for i in 0...mask where slots[i] >= 0 {
            var j = Int(truncatingIfNeeded: slotHash[i]) & newMask
            while newSlots[j] >= 0 { j = (j + 1) & newMask }
            newSlots[j] = slots[i]
            newHash[j] = slotHash[i]
        }
        slots = newSlots
        slotHash = newHash
        mask = newMask
    }

    /// FNV-1a with a final avalanche, so that sequential ids spread over the table.
    @inline(__always)
    static func hash(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for i in 0..<length { h = (h ^ UInt64(bytes[i])) &* 0x100_0000_01B3 }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return h
    }
}
