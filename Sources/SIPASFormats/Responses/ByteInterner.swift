#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps byte strings to dense ids (0, 1, 2, … in order of first appearance) with an open-addressing
/// table over one byte arena: ~20 bytes per distinct key, no per-key allocation. Used for response
/// ids (duplicate detection over millions of rows), group values, strata and PSUs.
///
/// Storage is manual so that the per-row lookups do no reference counting or uniqueness checks.
public final class ByteInterner {
    private var slots: UnsafeMutablePointer<Int32>
    private var slotHash: UnsafeMutablePointer<UInt64>
    private var mask: Int
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCount = 0
    private var arenaCapacity: Int
    private var offsets: UnsafeMutablePointer<Int>
    private var payloads: UnsafeMutablePointer<Int32>
    private var keyCapacity: Int
    public private(set) var count = 0
    private var lastId = -1
    /// While keys arrive in strictly increasing byte order (ids exported or numbered in order),
    /// none can repeat an earlier one: they are stored without hashing until the order breaks.
    private var ascending: Bool

    /// - Parameter orderedKeys: use the ascending-order fast path (for keys expected to be unique).
    public init(capacity: Int = 1024, orderedKeys: Bool = false) {
        ascending = orderedKeys
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        mask = size - 1
        slots = .allocate(capacity: size)
        slots.initialize(repeating: -1, count: size)
        slotHash = .allocate(capacity: size)
        keyCapacity = size / 2 + 1
        offsets = .allocate(capacity: keyCapacity + 1)
        offsets[0] = 0
        payloads = .allocate(capacity: keyCapacity)
        arenaCapacity = max(256, capacity * 8)
        arena = .allocate(capacity: arenaCapacity)
    }

    deinit {
        slots.deallocate()
        slotHash.deallocate()
        offsets.deallocate()
        payloads.deallocate()
        arena.deallocate()
    }

    /// The payload given when the key was added (e.g. the line where it first appeared).
    public func payload(_ id: Int) -> Int32 { payloads[id] }

    /// The id of `bytes`, adding it (with `payload`) when new.
    @inline(__always)
    public func intern(_ bytes: UnsafePointer<UInt8>, _ length: Int, payload: Int32 = 0) -> (id: Int, inserted: Bool) {
        if ascending {
            if count == 0 || greaterThanLast(bytes, length) { return (append(bytes, length, payload: payload), true) }
            leaveAscendingMode()
        }
        if lastId >= 0 && equals(lastId, bytes, length) { return (lastId, false) }
        let h = Self.hash(bytes, length)
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let id = Int(slots[i])
            if id < 0 { break }
            if slotHash[i] == h && equals(id, bytes, length) {
                lastId = id
                return (id, false)
            }
            i = (i + 1) & mask
        }
        let id = append(bytes, length, payload: payload)
        slots[i] = Int32(id)
        slotHash[i] = h
        lastId = id
        return (id, true)
    }

    @inline(__always)
    private func append(_ bytes: UnsafePointer<UInt8>, _ length: Int, payload: Int32) -> Int {
        let id = count
        if arenaCount + length > arenaCapacity { growArena(arenaCount + length) }
        (arena + arenaCount).update(from: bytes, count: length)
        arenaCount += length
        offsets[id + 1] = arenaCount
        payloads[id] = payload
        count += 1
        if count + 1 >= keyCapacity { growKeys() }
        if !ascending && count * 2 > mask { growTable() }
        return id
    }

    @inline(__always)
    private func greaterThanLast(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        let start = offsets[count - 1], lastLength = offsets[count] - start
        let c = memcmp(arena + start, bytes, min(length, lastLength))
        return c < 0 || (c == 0 && length > lastLength)
    }

    /// The keys so far were stored without a table; build it now.
    private func leaveAscendingMode() {
        ascending = false
        while count * 2 > mask { growTable() }
        for id in 0..<count { insertInTable(id) }
    }

    private func insertInTable(_ id: Int) {
        let start = offsets[id]
        let h = Self.hash(arena + start, offsets[id + 1] - start)
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i] >= 0 { i = (i + 1) & mask }
        slots[i] = Int32(id)
        slotHash[i] = h
    }

    public func intern(_ bytes: [UInt8], payload: Int32 = 0) -> (id: Int, inserted: Bool) {
        bytes.withUnsafeBufferPointer { buf in
            var empty: UInt8 = 0
            return buf.baseAddress.map { intern($0, buf.count, payload: payload) } ?? intern(&empty, 0, payload: payload)
        }
    }

    /// Whether any key of `other` is also a key here.
    public func containsAny(of other: ByteInterner) -> Bool {
        // Two ascending runs where the other starts above this one's last key cannot meet.
        if ascending && other.ascending && count > 0 && other.count > 0 {
            let start = other.offsets[0]
            if greaterThanLast(other.arena + start, other.offsets[1] - start) { return false }
        }
        if ascending { leaveAscendingMode() }
        for id in 0..<other.count {
            let start = other.offsets[id], length = other.offsets[id + 1] - start
            let key = other.arena + start
            let h = Self.hash(key, length)
            var i = Int(truncatingIfNeeded: h) & mask
            while slots[i] >= 0 {
                if slotHash[i] == h && equals(Int(slots[i]), key, length) { return true }
                i = (i + 1) & mask
            }
        }
        return false
    }

    public func bytes(of id: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: arena + offsets[id], count: offsets[id + 1] - offsets[id]))
    }

    @inline(__always)
    private func equals(_ id: Int, _ bytes: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        let start = offsets[id]
        guard offsets[id + 1] - start == length else { return false }
        return length == 0 || memcmp(arena + start, bytes, length) == 0
    }

    private func growArena(_ needed: Int) {
        var capacity = arenaCapacity * 2
        while capacity < needed { capacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        bigger.update(from: arena, count: arenaCount)
        arena.deallocate()
        arena = bigger
        arenaCapacity = capacity
    }

    private func growTable() {
        let size = (mask + 1) * 2
        let newSlots = UnsafeMutablePointer<Int32>.allocate(capacity: size)
        newSlots.initialize(repeating: -1, count: size)
        let newHash = UnsafeMutablePointer<UInt64>.allocate(capacity: size)
        let newMask = size - 1
        for i in 0...mask where slots[i] >= 0 {
            var j = Int(truncatingIfNeeded: slotHash[i]) & newMask
            while newSlots[j] >= 0 { j = (j + 1) & newMask }
            newSlots[j] = slots[i]
            newHash[j] = slotHash[i]
        }
        slots.deallocate()
        slotHash.deallocate()
        slots = newSlots
        slotHash = newHash
        mask = newMask
    }

    private func growKeys() {
        let newKeyCapacity = keyCapacity * 2
        let newOffsets = UnsafeMutablePointer<Int>.allocate(capacity: newKeyCapacity + 1)
        newOffsets.update(from: offsets, count: count + 1)
        offsets.deallocate()
        offsets = newOffsets
        let newPayloads = UnsafeMutablePointer<Int32>.allocate(capacity: newKeyCapacity)
        newPayloads.update(from: payloads, count: count)
        payloads.deallocate()
        payloads = newPayloads
        keyCapacity = newKeyCapacity
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
