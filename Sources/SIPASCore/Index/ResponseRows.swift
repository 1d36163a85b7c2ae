/// Responses in the compact form the estimators need (~32 bytes each): cell, PSU or stratum,
/// weight, and the valid/satisfied bits of every leaf. A file read in parts keeps one segment per
/// part, in file order, so that merging parts copies nothing.
struct ResponseRows {
    var cell: [UInt32] = []
    /// Dense PSU id (when responses name their PSU).
    var psu: [UInt32] = []
    /// Stratum (when each response is its own PSU).
    var stratum: [UInt32] = []
    /// Design weight (weighted designs only).
    var weight: [Double] = []
    /// `2 × words` per response: the valid bits, then the satisfied bits.
    var bits: [UInt64] = []

    var count: Int { cell.count }

    mutating func reserve(_ n: Int, words: Int, psuColumn: Bool, weighted: Bool) {
        cell.reserveCapacity(n)
        bits.reserveCapacity(n * 2 * words)
        if psuColumn { psu.reserveCapacity(n) } else { stratum.reserveCapacity(n) }
        if weighted { weight.reserveCapacity(n) }
    }
}

/// Global response numbers over segments: blocks of the file are defined on these, never on the
/// segments, so that results do not depend on how the file was split between threads.
struct SegmentIndex {
    let segments: [ResponseRows]
    /// Global number of each segment's first response; one more entry for the total.
    let starts: [Int]

    init(_ segments: [ResponseRows]) {
        self.segments = segments
        var starts = [0]
        for s in segments { starts.append(starts.last! + s.count) }
        self.starts = starts
    }

    var total: Int { starts.last! }

    /// The pieces of a global range, as (segment, local range) in order.
    func pieces(_ range: Range<Int>) -> [(segment: Int, local: Range<Int>)] {
        var out: [(Int, Range<Int>)] = []
        for s in segments.indices {
            let lo = max(range.lowerBound, starts[s]), hi = min(range.upperBound, starts[s + 1])
            if lo < hi { out.append((s, (lo - starts[s])..<(hi - starts[s]))) }
        }
        return out
    }
}
