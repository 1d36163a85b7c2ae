import Foundation

/// The person stage over a frame read once (sampling-method §5): each row's U within its stratum;
/// per stratum only the smallest `largestKept` numbers are kept, so memory grows with the sample,
/// never with the frame. Sizes, allocation and reserves are settled at `finish` from the counts.
public final class PersonSelection {
    public let stage: PersonStage
    private let uniform: SeededUniform
    private let capacity: Int
    private var strata: [String: StratumPool] = [:]
    private var message: [UInt8] = []

    public init(stage: PersonStage, uniform: SeededUniform) {
        self.stage = stage
        self.uniform = uniform
        capacity = max(1, stage.largestKept(total: nil))
    }

    /// Rows seen per stratum (N_h).
    public var populations: [String: Int] { strata.mapValues(\.population) }

    /// Adds one eligible row. `key` must be NFC (`SeededUniform.nfc`); `row`, the row's position
    /// in the frame when the caller wants it back on the drawn rows.
    public func add(stratum: String, key: String, row: Int? = nil) {
        let pool: StratumPool
        if let existing = strata[stratum] {
            pool = existing
        } else {
            pool = StratumPool(prefix: uniform.prefix([stage.name, stratum]), capacity: capacity)
            strata[stratum] = pool
        }
        pool.population += 1
        message.removeAll(keepingCapacity: true)
        message += pool.prefix
        message += key.utf8
        let u = message.withUnsafeBufferPointer { SeededUniform.uniform(of: $0) }
        pool.offer(u: u, key: key, row: row ?? -1)
    }

    /// The sizes each stratum gets (§3–§4): per stratum, or a total allocated.
    public func sampleSizes() throws(SamplingError) -> [String: Int] {
        try Self.sampleSizes(stage: stage, populations: populations)
    }

    public static func sampleSizes(stage: PersonStage, populations: [String: Int]) throws(SamplingError) -> [String: Int] {
        switch stage.scope {
        case .perStratum:
            return populations.mapValues { stage.size.size(population: $0) }
        case .total:
            let rows = populations.values.reduce(0, +)
            if case .fixed(let count) = stage.size, count > rows {
                throw .totalExceedsFrame(stage: stage.name, wanted: count, rows: rows)
            }
            let total = stage.size.size(population: rows)
            do {
                return try stage.allocation.allocate(total: total, strata: populations)
            } catch {
                throw .allocation(stage: stage.name, error)
            }
        }
    }

    /// The selected rows, strata in code-point order, each stratum's sample then reserves.
    public func finish() throws(SamplingError) -> [DrawRow] {
        let sizes = try sampleSizes()
        var rows: [DrawRow] = []
        for key in strata.keys.sorted(by: Allocation.codePointOrder) {
            let pool = strata[key]!
            let n = sizes[key] ?? 0
            let r = stage.reserves.reserves(sample: n, population: pool.population)
            let pi = Double(n) / Double(pool.population)
            for (index, entry) in pool.ordered().prefix(n + r).enumerated() {
                rows.append(DrawRow(stage: stage.name, stratum: key, key: entry.key,
                                    role: index < n ? .sample : .reserve, order: index + 1, pi: pi, row: entry.row >= 0 ? entry.row : nil))
            }
        }
        return rows
    }
}

/// The smallest (u, key) pairs of one stratum: a max-heap bounded by the most a stratum can need.
final class StratumPool {
    let prefix: [UInt8]
    let capacity: Int
    var population = 0
    private var heap: [(u: Double, key: String, row: Int)] = []

    init(prefix: [UInt8], capacity: Int) {
        self.prefix = prefix
        self.capacity = capacity
    }

    private static func before(_ a: (u: Double, key: String, row: Int), _ b: (u: Double, key: String, row: Int)) -> Bool {
        a.u != b.u ? a.u < b.u : Allocation.codePointOrder(a.key, b.key)
    }

    func offer(u: Double, key: String, row: Int) {
        if heap.count < capacity {
            heap.append((u, key, row))
            siftUp(heap.count - 1)
        } else if Self.before((u, key, row), heap[0]) {
            heap[0] = (u, key, row)
            siftDown(0)
        }
    }

    func ordered() -> [(u: Double, key: String, row: Int)] { heap.sorted(by: Self.before) }

    private func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.before(heap[parent], heap[child]) else { return }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    private func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var largest = parent
            if left < heap.count && Self.before(heap[largest], heap[left]) { largest = left }
            if right < heap.count && Self.before(heap[largest], heap[right]) { largest = right }
            if largest == parent { return }
            heap.swapAt(parent, largest)
            parent = largest
        }
    }
}
