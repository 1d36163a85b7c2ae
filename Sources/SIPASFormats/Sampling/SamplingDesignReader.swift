import SIPASCore
import Yams

/// A design file that cannot be used: every problem with its key path, line and column.
public struct SamplingDesignInvalid: Error, Sendable, CustomStringConvertible {
    public var issues: [ValidationIssue]
    public init(_ issues: [ValidationIssue]) { self.issues = issues }
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// Reads a sampling design (sampling-method §11, YAML or JSON): unknown fields, missing columns
/// and stage orders that cannot work are refused with their place; defaults are §3–§5's.
public enum SamplingDesignReader {
    public static func read(_ text: String) throws(SamplingDesignInvalid) -> SamplingDesign {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw SamplingDesignInvalid([ValidationIssue(path: "", message: "tệp thiết kế rỗng (the design is empty)")])
            }
            root = node
        } catch let error as SamplingDesignInvalid {
            throw error
        } catch {
            throw SamplingDesignInvalid([QuestionnaireReader.syntaxIssue(error)])
        }
        return try read(root)
    }

    static func read(_ root: Node) throws(SamplingDesignInvalid) -> SamplingDesign {
        var reader = YAMLNodeReader()
        let design = reader.design(root)
        guard reader.issues.isEmpty, let design else { throw SamplingDesignInvalid(reader.issues) }
        return design
    }
}

private let areaStageKeys = ["name", "method", "parent", "key", "size", "n"]
private let personStageKeys = ["name", "method", "within", "strata", "size", "scope", "allocation", "reserves"]

extension YAMLNodeReader {
    mutating func design(_ root: Node) -> SamplingDesign? {
        guard let pairs = mapping(root, "", allowed: ["key", "stages"]) else { return nil }
        let key = optional(pairs, "key", "", { $0.string($1, $2) })
        guard let stageNodes = required(pairs, "stages", "", root, { $0.sequence($1, $2) }) else { return nil }
        if stageNodes.isEmpty {
            fail("stages", root, "cần ít nhất một giai đoạn chọn mẫu (at least one stage is needed)")
            return nil
        }
        var areas: [AreaStage] = []
        for (i, node) in stageNodes.dropLast().enumerated() {
            if let stage = areaStage(node, "stages[\(i)]") { areas.append(stage) }
        }
        let last = stageNodes.count - 1
        guard let person = personStage(stageNodes[last], "stages[\(last)]", multiStage: last > 0) else { return nil }
        let names = areas.map(\.name) + [person.name]
        for (i, name) in names.enumerated() where names.firstIndex(of: name)! < i {
            fail("stages[\(i)].name", stageNodes[i], "tên giai đoạn \"\(name)\" bị lặp; mỗi giai đoạn cần một tên riêng (stage names must differ)")
        }
        return areas.count == last ? SamplingDesign(key: key, areaStages: areas, personStage: person) : nil
    }

    private mutating func areaStage(_ node: Node, _ path: String) -> AreaStage? {
        guard let pairs = mapping(node, path, allowed: areaStageKeys) else { return nil }
        let name = required(pairs, "name", path, node, { $0.string($1, $2) })
        let method = required(pairs, "method", path, node, { $0.choice($1, $2, ["pps", "srs"]) }).flatMap(AreaStage.Method.init)
        let parent = required(pairs, "parent", path, node, { $0.string($1, $2) })
        let key = required(pairs, "key", path, node, { $0.string($1, $2) })
        let count = required(pairs, "n", path, node, { $0.positive($1, $2) }).map { min($0, SizeRule.largestCount) }
        var size: String?
        if method == .pps {
            size = required(pairs, "size", path, node, { $0.string($1, $2) })
        } else if pairs.contains(where: { $0.0 == "size" }) {
            fail("\(path).size", node, "giai đoạn srs không dùng cột quy mô \"size\"; bỏ khóa này hoặc dùng method: pps (size is for pps stages)")
        }
        guard let name, let method, let parent, let key, let count else { return nil }
        if method == .pps && size == nil { return nil }
        return AreaStage(name: name, method: method, parent: parent, key: key, size: size, count: count)
    }

    private mutating func personStage(_ node: Node, _ path: String, multiStage: Bool) -> PersonStage? {
        guard let pairs = mapping(node, path, allowed: personStageKeys) else { return nil }
        let name = optional(pairs, "name", path, { $0.string($1, $2) }) ?? "person"
        if let method = optional(pairs, "method", path, { $0.string($1, $2) }), method != "srs" {
            fail("\(path).method", node, "giai đoạn cuối chọn người/hồ sơ bằng srs; \"\(method)\" chỉ dùng cho giai đoạn chọn địa bàn (the last stage uses srs)")
        }
        let within = optional(pairs, "within", path, { $0.string($1, $2) })
        if multiStage && within == nil {
            fail("\(path).within", node, "thiết kế nhiều giai đoạn cần \"within\": cột của khung mẫu ghi địa bàn của giai đoạn trên (multi-stage designs need within)")
        }
        if !multiStage && within != nil {
            fail("\(path).within", node, "thiết kế một giai đoạn không dùng \"within\"; bỏ khóa này hoặc thêm giai đoạn chọn địa bàn (within needs an area stage above)")
        }
        let strata = optional(pairs, "strata", path, { $0.strings($1, $2) }) ?? []
        guard let size = required(pairs, "size", path, node, { $0.sizeRule($1, $2) }) else { return nil }
        let scope = optional(pairs, "scope", path, { $0.choice($1, $2, ["per-stratum", "total"]) })
            .flatMap(PersonStage.Scope.init) ?? .perStratum
        let allocation = optional(pairs, "allocation", path, { $0.allocation($1, $2) }) ?? Allocation()
        let reserves = optional(pairs, "reserves", path, { $0.reserveRule($1, $2) }) ?? .standard
        if multiStage && within == nil { return nil }
        return PersonStage(name: name, within: within, strata: strata, size: size, scope: scope,
                           allocation: allocation, reserves: reserves)
    }

    private mutating func sizeRule(_ node: Node, _ path: String) -> SizeRule? {
        guard let pairs = mapping(node, path, allowed: ["rule", "e", "p", "deff", "rr", "count"]) else { return nil }
        guard let rule = required(pairs, "rule", path, node, { $0.choice($1, $2, ["yamane", "cochran", "fixed"]) }) else { return nil }
        let allowed: [String] = switch rule {
        case "yamane": ["rule", "e"]
        case "cochran": ["rule", "e", "p", "deff", "rr"]
        default: ["rule", "count"]
        }
        for (key, _) in pairs where !allowed.contains(key) {
            fail("\(path).\(key)", node, "quy tắc \(rule) không dùng \"\(key)\"; các khóa hợp lệ: \(allowed.joined(separator: ", ")) (not a field of this rule)")
        }
        let e = optional(pairs, "e", path, { $0.bounded($1, $2, 0.001...0.5, "sai số cho phép") }) ?? 0.05
        switch rule {
        case "yamane":
            return .yamane(e: e)
        case "cochran":
            let p = optional(pairs, "p", path, { $0.fraction($1, $2, open: false) }) ?? 0.5
            let deff = optional(pairs, "deff", path, { $0.bounded($1, $2, 0.1...100, "hệ số thiết kế") }) ?? 1
            let rr = optional(pairs, "rr", path, { $0.bounded($1, $2, 0.01...1, "tỷ lệ phản hồi dự kiến") }) ?? 1
            return .cochran(e: e, p: p, deff: deff, rr: rr)
        default:
            guard let count = required(pairs, "count", path, node, { $0.positive($1, $2) }) else { return nil }
            if count > SizeRule.largestCount { fail("\(path).count", node, "số phiếu tối đa \(SizeRule.largestCount) (at most \(SizeRule.largestCount))"); return nil }
            return .fixed(count: count)
        }
    }

    private mutating func allocation(_ node: Node, _ path: String) -> Allocation? {
        guard let pairs = mapping(node, path, allowed: ["method", "min", "p"]) else { return nil }
        let method = optional(pairs, "method", path, { $0.choice($1, $2, ["proportional", "equal", "neyman"]) }) ?? "proportional"
        let minimum = min(optional(pairs, "min", path, { $0.nonNegative($1, $2) }) ?? 0, SizeRule.largestCount)
        var shares: [String: Double] = [:]
        if let node = pairs.first(where: { $0.0 == "p" })?.1 {
            if method != "neyman" {
                fail("\(path).p", node, "tỷ lệ dự kiến \"p\" chỉ dùng với method: neyman (p is for neyman allocation)")
            } else if let map = mapping(node, "\(path).p", allowed: []) {
                for (stratum, value) in map {
                    if let share = fraction(value, "\(path).p.\(stratum)", open: false) { shares[stratum] = share }
                }
            }
        }
        let chosen: Allocation.Method = switch method {
        case "equal": .equal
        case "neyman": .neyman(p: shares)
        default: .proportional
        }
        return Allocation(method: chosen, minimum: minimum)
    }

    private mutating func reserveRule(_ node: Node, _ path: String) -> ReserveRule? {
        guard let pairs = mapping(node, path, allowed: ["ratio", "count"]) else { return nil }
        if pairs.count != 1 {
            fail(path, node, "ghi đúng một trong \"ratio\" (tỷ lệ so với mẫu) hoặc \"count\" (số phiếu dự phòng) (exactly one of ratio or count)")
            return nil
        }
        if let ratio = optional(pairs, "ratio", path, { $0.bounded($1, $2, 0...10, "tỷ lệ dự phòng") }) { return .ratio(ratio) }
        if let count = optional(pairs, "count", path, { $0.nonNegative($1, $2) }) {
            if count > SizeRule.largestCount { fail("\(path).count", node, "số dự phòng tối đa \(SizeRule.largestCount)"); return nil }
            return .count(count)
        }
        return nil
    }

    mutating func choice(_ node: Node, _ path: String, _ options: [String]) -> String? {
        guard let value = string(node, path) else { return nil }
        if !options.contains(value) {
            fail(path, node, "giá trị \"\(value)\" không hợp lệ; chọn một trong: \(options.joined(separator: ", ")) (unknown value)")
            return nil
        }
        return value
    }

    mutating func strings(_ node: Node, _ path: String) -> [String]? {
        guard let list = sequence(node, path) else { return nil }
        let values = list.enumerated().compactMap { string($0.element, "\(path)[\($0.offset)]") }
        return values.count == list.count ? values : nil
    }

    mutating func positive(_ node: Node, _ path: String) -> Int? {
        guard let value = integer(node, path) else { return nil }
        if value < 1 { fail(path, node, "cần một số nguyên dương, không phải \(value) (expected a positive integer)"); return nil }
        return value
    }

    mutating func nonNegative(_ node: Node, _ path: String) -> Int? {
        guard let value = integer(node, path) else { return nil }
        if value < 0 { fail(path, node, "cần một số nguyên không âm, không phải \(value) (expected zero or more)"); return nil }
        return value
    }

    mutating func bounded(_ node: Node, _ path: String, _ range: ClosedRange<Double>, _ label: String) -> Double? {
        guard let value = number(node, path) else { return nil }
        if !range.contains(value) {
            fail(path, node, "\(label) phải từ \(DecimalText.plain(range.lowerBound)) đến \(DecimalText.plain(range.upperBound)), không phải \(DecimalText.plain(value)) (out of range)")
            return nil
        }
        return value
    }

    mutating func positiveNumber(_ node: Node, _ path: String) -> Double? {
        guard let value = number(node, path) else { return nil }
        if value <= 0 { fail(path, node, "cần một số dương (expected a positive number)"); return nil }
        return value
    }

    mutating func nonNegativeNumber(_ node: Node, _ path: String) -> Double? {
        guard let value = number(node, path) else { return nil }
        if value < 0 { fail(path, node, "cần một số không âm (expected zero or more)"); return nil }
        return value
    }

    /// A share: strictly between 0 and 1 (`open`), or from 0 to 1; `allowOne` admits exactly 1.
    mutating func fraction(_ node: Node, _ path: String, open: Bool, allowOne: Bool = false) -> Double? {
        guard let value = number(node, path) else { return nil }
        let fits = open ? (value > 0 && (value < 1 || (allowOne && value == 1))) : (value >= 0 && value <= 1)
        if !fits {
            fail(path, node, "cần một tỷ lệ \(open ? "lớn hơn 0 và nhỏ hơn 1" : "từ 0 đến 1"), ví dụ 0.05 (expected a fraction)")
            return nil
        }
        return value
    }
}
