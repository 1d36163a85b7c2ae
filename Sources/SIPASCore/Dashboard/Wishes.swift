/// Respondents' wishes (`dashboard-measures.md` §1): the share choosing each option of every
/// multiple-choice item, and the leaf estimate of every likert item outside the trees.
///
/// A share is a ratio of totals exactly like a leaf — `chose` in place of `sat`, `answered` in
/// place of `valid` — so the plan derives a questionnaire in which every option of a multiple-
/// choice item is a two-code likert item ("chose", coded 1, or not, 0; blank when the item was not
/// answered), under the item's own `relevant` condition, and one tree over all of them. The index
/// engine then gives every share with its SE, interval, n and low-n flag, as it does for a leaf.
public struct WishesPlan: Sendable {
    public struct Entry: Sendable, Equatable {
        /// The leaf code in the derived questionnaire (`NEEDS=3`, or the likert item's own code).
        public var leafCode: String
        public var itemCode: String
        public var itemText: String
        /// The option of a multiple-choice item; nil for a likert item.
        public var optionCode: Int?
        public var optionLabel: String?
    }

    public static let rootCode = "WISHES"
    static let choseScale = "sipas-chose"

    public let questionnaire: Questionnaire
    public let entries: [Entry]
    /// Per multiple-choice item (its index in the original items): option code → index of the
    /// derived "chose" item.
    public let multiOptions: [Int: [Int: Int]]

    /// Nil when the questionnaire has neither a multiple-choice item nor a likert item outside its trees.
    public init?(_ q: Questionnaire) {
        let inTrees = Self.treeLeaves(q)
        var entries: [Entry] = []
        var derivedItems: [Item] = []
        var multiOptions: [Int: [Int: Int]] = [:]
        for (index, item) in q.items.enumerated() {
            switch item.type {
            case .likert where !inTrees.contains(item.code):
                entries.append(Entry(leafCode: item.code, itemCode: item.code, itemText: item.text))
            case .multi:
                var options: [Int: Int] = [:]
                for option in item.options ?? [] {
                    let code = "\(item.code)=\(option.code)"
                    options[option.code] = q.items.count + derivedItems.count
                    derivedItems.append(Item(code: code, type: .likert, text: option.label, scale: Self.choseScale, relevant: item.relevant))
                    entries.append(Entry(leafCode: code, itemCode: item.code, itemText: item.text,
                                         optionCode: option.code, optionLabel: option.label))
                }
                multiOptions[index] = options
            default: continue
            }
        }
        guard !entries.isEmpty else { return nil }
        var derived = q
        derived.scales.append(Scale(code: Self.choseScale, codes: [CodeLabel(0, "không chọn"), CodeLabel(1, "chọn")], satisfied: [1]))
        if !derivedItems.isEmpty {
            derived.sections.append(Section(code: "sipas-wishes", title: "Các lựa chọn", items: derivedItems))
        }
        derived.indices = [IndexNode(code: Self.rootCode, title: "Mong muốn của người dân",
                                     children: entries.map { .reference($0.leafCode) })]
        questionnaire = derived
        self.entries = entries
        self.multiOptions = multiOptions
    }

    /// Codes of the items some tree of `q` uses as a leaf.
    static func treeLeaves(_ q: Questionnaire) -> Set<String> {
        var nodes = Set<String>()
        var references = Set<String>()
        func walk(_ node: IndexNode) {
            nodes.insert(node.code)
            for child in node.children {
                switch child {
                case let .node(inner): walk(inner)
                case let .reference(code): references.insert(code)
                }
            }
        }
        q.indices.forEach(walk)
        return references.subtracting(nodes)
    }
}
