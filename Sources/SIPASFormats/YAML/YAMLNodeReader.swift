import SIPASCore
import Yams

/// Reads a YAML interchange document (questionnaire, sampling design) node by node, recording
/// each key path's position so that every problem names its line and column.
struct YAMLNodeReader {
    var issues: [ValidationIssue] = []
    var marks: [String: Mark] = [:]

    mutating func fail(_ path: String, _ node: Node?, _ message: String) {
        issues.append(ValidationIssue(path: path, message: message, line: node?.mark?.line, column: node?.mark?.column))
    }

    mutating func mapping(_ node: Node, _ path: String, allowed: [String]) -> [(String, Node)]? {
        if let mark = node.mark { marks[path] = mark }
        guard case let .mapping(map) = node else {
            fail(path, node, "cần một bảng khóa: giá trị (expected a mapping)")
            return nil
        }
        var pairs: [(String, Node)] = []
        for (key, value) in map {
            let name = key.scalar?.string ?? ""
            let keyPath = path.isEmpty ? name : "\(path).\(name)"
            if let mark = value.mark ?? key.mark { marks[keyPath] = mark }
            if !allowed.isEmpty && !allowed.contains(name) {
                fail(keyPath, key, "khóa không được hỗ trợ \"\(name)\"; các khóa hợp lệ: \(allowed.joined(separator: ", ")) (unknown key)")
                continue
            }
            pairs.append((name, value))
        }
        return pairs
    }

    mutating func sequence(_ node: Node, _ path: String) -> [Node]? {
        if let mark = node.mark { marks[path] = mark }
        guard case let .sequence(seq) = node else {
            fail(path, node, "cần một danh sách (expected a list)")
            return nil
        }
        for (i, element) in seq.enumerated() { if let mark = element.mark { marks["\(path)[\(i)]"] = mark } }
        return Array(seq)
    }

    mutating func string(_ node: Node, _ path: String) -> String? {
        guard case let .scalar(s) = node else {
            fail(path, node, "cần một giá trị chữ (expected a text value)")
            return nil
        }
        if s.style == .plain && ["", "~", "null"].contains(s.string) {
            fail(path, node, "cần một giá trị chữ, không được để trống (expected a text value, found nothing)")
            return nil
        }
        return s.string
    }

    mutating func integer(_ node: Node, _ path: String) -> Int? {
        guard case let .scalar(s) = node, let value = Int(s.string.trimmingSpaces) else {
            fail(path, node, "cần một số nguyên (expected an integer)")
            return nil
        }
        return value
    }

    mutating func number(_ node: Node, _ path: String) -> Double? {
        guard case let .scalar(s) = node, let value = Double(s.string.trimmingSpaces), value.isFinite else {
            fail(path, node, "cần một số hữu hạn (expected a finite number)")
            return nil
        }
        return value
    }

    mutating func boolean(_ node: Node, _ path: String) -> Bool? {
        if case let .scalar(s) = node {
            switch s.string.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: break
            }
        }
        fail(path, node, "cần true hoặc false (expected true or false)")
        return nil
    }

    mutating func integers(_ node: Node, _ path: String) -> [Int]? {
        guard let list = sequence(node, path) else { return nil }
        var out: [Int] = []
        for (i, element) in list.enumerated() {
            if let v = integer(element, "\(path)[\(i)]") { out.append(v) }
        }
        return out.count == list.count ? out : nil
    }

    mutating func required<T>(_ pairs: [(String, Node)], _ key: String, _ path: String, _ node: Node,
                              _ read: (inout YAMLNodeReader, Node, String) -> T?) -> T? {
        let keyPath = path.isEmpty ? key : "\(path).\(key)"
        guard let value = pairs.first(where: { $0.0 == key })?.1 else {
            fail(keyPath, node, "thiếu khóa bắt buộc \"\(key)\" (missing required key)")
            return nil
        }
        return read(&self, value, keyPath)
    }

    mutating func optional<T>(_ pairs: [(String, Node)], _ key: String, _ path: String,
                              _ read: (inout YAMLNodeReader, Node, String) -> T?) -> T? {
        guard let value = pairs.first(where: { $0.0 == key })?.1 else { return nil }
        if case let .scalar(s) = value, s.style == .plain, ["", "~", "null"].contains(s.string) { return nil }
        return read(&self, value, path.isEmpty ? key : "\(path).\(key)")
    }
}
