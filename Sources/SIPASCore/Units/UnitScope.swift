/// The units an account is bound to: its scope unit and that unit's counterparts across the
/// 1 July 2025 reorganisation (a legacy unit's 2025 successors, a 2025 unit's legacy
/// predecessors, the same province in the other register), so that an office keeps its
/// campaigns from before the reform and sees the ones after it.
public struct UnitScope: Sendable, Equatable {
    /// The account's own scope unit.
    public let unit: AdminUnit
    /// `unit` first, then its counterparts.
    public let roots: [AdminUnit]

    public init(_ unit: AdminUnit, counterparts: [AdminUnit] = []) {
        self.unit = unit
        roots = [unit] + counterparts.filter { $0.id != unit.id }
    }

    /// Whether `other` lies inside one of the scope's subtrees.
    public func contains(_ other: AdminUnit) -> Bool { roots.contains { $0.contains(other) } }

    /// Whether `other` lies above (or is) one of the scope's roots.
    public func isInside(_ other: AdminUnit) -> Bool { roots.contains { other.contains($0) } }
}
