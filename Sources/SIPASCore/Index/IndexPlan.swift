/// The aggregation trees of a questionnaire compiled for evaluation: the distinct likert leaves
/// and the output nodes in the order of the output table (trees in `indices` order, each in
/// pre-order). A node reachable twice (an item in two trees) is an output entry each time.
public struct IndexPlan: Sendable {
    public struct Leaf: Sendable {
        public var code: String
        public var title: String
        /// Index of the item in `Questionnaire.items` (its slot in an answer row).
        public var itemIndex: Int
        public var satisfied: Set<Int>
        public var notApplicable: Set<Int>
    }

    public struct Node: Sendable {
        public var code: String
        public var title: String
        public var tree: Int
        public var depth: Int
        /// The leaf slot for an item node; nil for an aggregate.
        public var leaf: Int?
        /// Output entries of the children, with the weight of each (1 for `mean`).
        public var children: [Int]
        public var weights: [Double]
        /// Leaves below the node, as a bitset over leaf slots.
        public var leafMask: [UInt64]
    }

    public let leaves: [Leaf]
    public let nodes: [Node]
    /// Output entry of each tree's root, in `indices` order.
    public let roots: [Int]
    /// 64-bit words per leaf bitset.
    public let words: Int

    // Flat copies of the tree for the per-response loops (no array copies, no reference counting).
    /// Leaf slot of each node, -1 for an aggregate.
    public let nodeLeaf: [Int]
    /// Children of node k are `childNodes[childStart[k]..<childStart[k + 1]]`.
    public let childStart: [Int]
    public let childNodes: [Int]
    /// Leaf bitset of node k at `masks[k * words ..< (k + 1) * words]`.
    public let masks: [UInt64]

    public init(_ q: Questionnaire) {
        let items = q.items
        var itemIndex: [String: Int] = [:]
        for (i, item) in items.enumerated() where itemIndex[item.code] == nil { itemIndex[item.code] = i }
        var nodeByCode: [String: IndexNode] = [:]
        func collect(_ n: IndexNode) {
            if nodeByCode[n.code] == nil { nodeByCode[n.code] = n }
            for case let .node(inner) in n.children { collect(inner) }
        }
        q.indices.forEach(collect)

        var leaves: [Leaf] = []
        var leafSlot: [String: Int] = [:]
        var nodes: [Node] = []
        var roots: [Int] = []

        func leaf(_ code: String) -> Int {
            if let slot = leafSlot[code] { return slot }
            let index = itemIndex[code]!
            let item = items[index]
            let scale = q.scale(item.scale ?? "")
            leaves.append(Leaf(
                code: code, title: item.text, itemIndex: index,
                satisfied: Set(scale?.satisfied ?? []), notApplicable: Set(scale?.notApplicable ?? [])))
            leafSlot[code] = leaves.count - 1
            return leaves.count - 1
        }

        func emit(_ child: IndexChild, tree: Int, depth: Int) -> Int {
            let node: IndexNode
            switch child {
            case let .node(n): node = n
            case let .reference(code):
                if let n = nodeByCode[code] {
                    node = n
                } else {
                    let slot = leaf(code)
                    nodes.append(Node(code: code, title: leaves[slot].title, tree: tree, depth: depth, leaf: slot,
                                      children: [], weights: [], leafMask: []))
                    return nodes.count - 1
                }
            }
            let me = nodes.count
            nodes.append(Node(code: node.code, title: node.title, tree: tree, depth: depth, leaf: nil,
                              children: [], weights: [], leafMask: []))
            var children: [Int] = []
            for c in node.children { children.append(emit(c, tree: tree, depth: depth + 1)) }
            nodes[me].children = children
            nodes[me].weights = node.rule == .weighted ? (node.weights ?? []) : Array(repeating: 1, count: children.count)
            return me
        }

        for (t, tree) in q.indices.enumerated() { roots.append(emit(.node(tree), tree: t, depth: 0)) }

        let words = max(1, (leaves.count + 63) / 64)
        for k in nodes.indices.reversed() {
            var mask = [UInt64](repeating: 0, count: words)
            if let slot = nodes[k].leaf {
                mask[slot >> 6] |= 1 << UInt64(slot & 63)
            } else {
                for c in nodes[k].children {
                    for w in 0..<words { mask[w] |= nodes[c].leafMask[w] }
                }
            }
            nodes[k].leafMask = mask
        }
        self.leaves = leaves
        self.nodes = nodes
        self.roots = roots
        self.words = words
        nodeLeaf = nodes.map { $0.leaf ?? -1 }
        var start = [0]
        for n in nodes { start.append(start.last! + n.children.count) }
        childStart = start
        childNodes = nodes.flatMap(\.children)
        masks = nodes.flatMap(\.leafMask)
    }

    /// Code of the tree (its root) an output entry belongs to.
    public func treeCode(of node: Int) -> String { nodes[roots[nodes[node].tree]].code }
}
