import Dispatch

/// Work split into blocks whose boundaries depend only on the data, never on the number of
/// threads, so that results combined block by block in order are identical on any machine.
struct FixedBlocks {
    let ranges: [Range<Int>]

    init(count: Int, size: Int) {
        ranges = stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
    }

    init(ranges: [Range<Int>]) { self.ranges = ranges }

    /// Runs `body` on every block, on all cores, and returns the results in block order.
    func map<T>(_ body: (Range<Int>) -> T) -> [T] {
        if ranges.count <= 1 { return ranges.map(body) }
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: ranges.count)
        results.initialize(repeating: nil)
        defer { results.deinitialize(); results.deallocate() }
        withoutActuallyEscaping(body) { body in
            let shared = Shared(ranges: ranges, results: results, body: body)
            // Each iteration writes only its own slot.
            DispatchQueue.concurrentPerform(iterations: ranges.count) { i in
                shared.results[i] = shared.body(shared.ranges[i])
            }
        }
        return results.map { $0! }
    }

    private struct Shared<T>: @unchecked Sendable {
        let ranges: [Range<Int>]
        let results: UnsafeMutableBufferPointer<T?>
        let body: (Range<Int>) -> T
    }
}
