/// The output table of `index-method.md` §5: one row per (group, node).
public struct IndexResult: Sendable, Equatable {
    public var groupColumns: [String]
    public var rows: [Row]
    public var minN: Int

    /// The row of `node` in the group with these values (the first, when a node appears twice).
    public func row(_ node: String, group: [String] = []) -> Row? {
        rows.first { $0.node == node && $0.group == group }
    }

    public struct Row: Sendable, Equatable {
        public var group: [String]
        /// Code of the tree's root.
        public var index: String
        public var node: String
        public var title: String
        /// Depth in the tree (root 0), for indented display.
        public var depth: Int
        public var isLeaf: Bool
        public var n: Int
        /// Percent, full precision; nil where undefined.
        public var estimate: Double?
        /// Standard error in percentage points; nil where the estimate is undefined.
        public var se: Double?
        public var ciLow: Double?
        public var ciHigh: Double?
        public var lowN: Bool
    }
}
