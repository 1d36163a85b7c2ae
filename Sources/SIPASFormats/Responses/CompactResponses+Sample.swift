extension CompactResponses {
    /// What the sample's fieldwork makes of each response, in storage order.
    public enum SampleWeight: Sendable, Equatable {
        /// Not a sampled case's response (an open campaign's): as stored.
        case asStored
        /// A completed case: its final weight (sampling-method §8).
        case final(Double)
        /// Held out of the index: a collection the re-check did not confirm, not yet decided.
        case heldOut
    }

    /// The responses with the final weights of their cases, and without those held out; `weights`
    /// has one entry per response in storage order.
    public func applying(_ weights: [SampleWeight]) -> CompactResponses {
        precondition(weights.count == count, "one sample weight per response")
        var out = self
        let kept = weights.indices.filter { weights[$0] != .heldOut }
        out.unitSlot = kept.map { unitSlot[$0] }
        out.stratum = kept.map { stratum[$0] }
        out.psu = kept.map { psu[$0] }
        out.channel = kept.map { channel[$0] }
        out.weight = kept.map { i in
            if case let .final(w) = weights[i] { return w }
            return weight[i]
        }
        out.codes = codes.map { column in kept.map { column[$0] } }
        var bits: [UInt64] = []
        bits.reserveCapacity(kept.count * 2 * words)
        for i in kept { bits.append(contentsOf: self.bits[(i * 2 * words)..<((i + 1) * 2 * words)]) }
        out.bits = bits
        return out
    }
}
