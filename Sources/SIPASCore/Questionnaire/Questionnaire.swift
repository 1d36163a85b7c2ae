/// A questionnaire in the `sipas-questionnaire/1` interchange model: answer scales, the printed
/// layout (sections of items) and the aggregation trees the index engine evaluates.
///
/// The type keeps everything the interchange format carries, in document order, so that an
/// import followed by an export loses nothing.
public struct Questionnaire: Sendable, Equatable {
    public static let formatIdentifier = "sipas-questionnaire/1"

    public var id: String
    public var version: Int
    public var title: String
    public var language: String
    public var source: String?
    public var scales: [Scale]
    public var sections: [Section] {
        didSet { items = sections.flatMap(\.items) }
    }
    /// Every item, in the order the form prints them (kept with the sections: per-response code
    /// asks for it constantly).
    public private(set) var items: [Item]
    public var indices: [IndexNode]
    /// Texts in other languages. Their shape is not fixed by the format, so they are carried
    /// through verbatim.
    public var translations: DocumentValue?

    public init(
        id: String, version: Int, title: String, language: String = "vi", source: String? = nil,
        scales: [Scale], sections: [Section], indices: [IndexNode], translations: DocumentValue? = nil
    ) {
        self.id = id
        self.version = version
        self.title = title
        self.language = language
        self.source = source
        self.scales = scales
        self.sections = sections
        items = sections.flatMap(\.items)
        self.indices = indices
        self.translations = translations
    }

    public func item(_ code: String) -> Item? { items.first { $0.code == code } }

    public func scale(_ code: String) -> Scale? { scales.first { $0.code == code } }
}

/// An answer scale: integer codes with labels, the codes that count as satisfied, and codes that
/// are answers but leave the denominator ("không áp dụng").
public struct Scale: Sendable, Equatable {
    public var code: String
    public var codes: [CodeLabel]
    public var satisfied: [Int]
    public var notApplicable: [Int]
    public var notApplicableLabel: String?

    public init(
        code: String, codes: [CodeLabel], satisfied: [Int], notApplicable: [Int] = [],
        notApplicableLabel: String? = nil
    ) {
        self.code = code
        self.codes = codes
        self.satisfied = satisfied
        self.notApplicable = notApplicable
        self.notApplicableLabel = notApplicableLabel
    }

    /// Every code an answer may hold: the labelled ones and the not-applicable ones.
    public var answerCodes: Set<Int> { Set(codes.map(\.code)).union(notApplicable) }
}

public struct CodeLabel: Sendable, Equatable {
    public var code: Int
    public var label: String

    public init(_ code: Int, _ label: String) {
        self.code = code
        self.label = label
    }
}

public struct Section: Sendable, Equatable {
    public var code: String
    public var title: String
    public var items: [Item]

    public init(code: String, title: String, items: [Item]) {
        self.code = code
        self.title = title
        self.items = items
    }
}

public enum ItemType: String, Sendable, Equatable, CaseIterable {
    case single, multi, likert, number, text, date

    /// Types whose answers are numbers a `relevant` expression can compare.
    public var isComparable: Bool { self == .single || self == .likert || self == .number }
}

public struct Item: Sendable, Equatable {
    public var code: String
    public var type: ItemType
    public var text: String
    public var scale: String?
    public var options: [CodeLabel]?
    public var required: Bool?
    public var relevant: String?

    public init(
        code: String, type: ItemType, text: String, scale: String? = nil, options: [CodeLabel]? = nil,
        required: Bool? = nil, relevant: String? = nil
    ) {
        self.code = code
        self.type = type
        self.text = text
        self.scale = scale
        self.options = options
        self.required = required
        self.relevant = relevant
    }
}

public enum AggregationRule: String, Sendable, Equatable, CaseIterable {
    case mean, weighted
}

/// A node of an aggregation tree. Its children are nested nodes or references by code: to a
/// likert item (a leaf) or to a node defined elsewhere in `indices`.
public struct IndexNode: Sendable, Equatable {
    public var code: String
    public var title: String
    public var rule: AggregationRule
    public var weights: [Double]?
    public var children: [IndexChild]

    public init(
        code: String, title: String, rule: AggregationRule = .mean, weights: [Double]? = nil,
        children: [IndexChild]
    ) {
        self.code = code
        self.title = title
        self.rule = rule
        self.weights = weights
        self.children = children
    }
}

public indirect enum IndexChild: Sendable, Equatable {
    case node(IndexNode)
    case reference(String)
}
