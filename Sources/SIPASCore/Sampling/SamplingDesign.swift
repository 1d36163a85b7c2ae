import Foundation

/// A draw's design (sampling-method §11): stages from the top; every stage but the last selects
/// areas from an areas file, the last selects frame rows.
public struct SamplingDesign: Sendable, Equatable {
    /// The frame column holding each row's key (nil: the frame's first column).
    public var key: String?
    public var areaStages: [AreaStage]
    public var personStage: PersonStage

    public init(key: String?, areaStages: [AreaStage], personStage: PersonStage) {
        self.key = key
        self.areaStages = areaStages
        self.personStage = personStage
    }

    public var isMultiStage: Bool { !areaStages.isEmpty }

    /// The frame columns a draw reads besides the key: `within`, then the strata (§1's projection
    /// keeps them in the frame's own order).
    public var frameColumns: [String] {
        var columns: [String] = []
        if let within = personStage.within { columns.append(within) }
        for column in personStage.strata where !columns.contains(column) { columns.append(column) }
        return columns
    }
}

/// A stage that selects areas within each parent (§6), or by ordered SRS when sizes are unknown.
public struct AreaStage: Sendable, Equatable {
    public enum Method: String, Sendable { case pps, srs }
    public var name: String
    public var method: Method
    /// Areas-file columns: the parent's key, the area's key, the size measure (pps only).
    public var parent: String
    public var key: String
    public var size: String?
    /// Areas to select in each parent.
    public var count: Int

    public init(name: String, method: Method, parent: String, key: String, size: String?, count: Int) {
        self.name = name
        self.method = method
        self.parent = parent
        self.key = key
        self.size = size
        self.count = count
    }

    /// The areas file's columns the stage reads, which its content hash covers.
    public var columns: [String] { [parent, key] + (size.map { [$0] } ?? []) }
}

/// The last stage: ordered simple random sampling of frame rows per stratum (§5).
public struct PersonStage: Sendable, Equatable {
    public enum Scope: String, Sendable { case perStratum = "per-stratum", total }
    public var name: String
    public var within: String?
    public var strata: [String]
    public var size: SizeRule
    public var scope: Scope
    public var allocation: Allocation
    public var reserves: ReserveRule

    public init(name: String = "person", within: String? = nil, strata: [String] = [], size: SizeRule,
                scope: Scope = .perStratum, allocation: Allocation = Allocation(), reserves: ReserveRule = .standard) {
        self.name = name
        self.within = within
        self.strata = strata
        self.size = size
        self.scope = scope
        self.allocation = allocation
        self.reserves = reserves
    }

    /// The most rows any stratum can need (sample plus reserves), whatever its size: a one-pass
    /// draw keeps only that many smallest numbers per stratum.
    public func largestKept(total: Int?) -> Int {
        let sample: Int
        switch scope {
        case .perStratum: sample = size.largestSize
        case .total: sample = max(total ?? size.largestSize, allocation.minimum)
        }
        let kept = sample.addingReportingOverflow(reserves.largest(sample: sample))
        return kept.overflow ? Int.max / 4 : kept.partialValue
    }
}
