import SIPASCore

/// Writes a questionnaire back in the interchange format, YAML or JSON, in document order.
public enum QuestionnaireWriter {
    public enum Format: String, Sendable, CaseIterable { case yaml, json }

    public static func write(_ q: Questionnaire, as format: Format) -> String {
        let document = encode(q)
        switch format {
        case .yaml: return DocumentWriter.yaml(document)
        case .json: return DocumentWriter.json(document)
        }
    }

    public static func encode(_ q: Questionnaire) -> DocumentValue {
        var top: [(key: String, value: DocumentValue)] = [
            ("format", .string(Questionnaire.formatIdentifier)),
            ("id", .string(q.id)),
            ("version", .integer(q.version)),
            ("title", .string(q.title)),
            ("language", .string(q.language)),
        ]
        if let source = q.source { top.append(("source", .string(source))) }
        top.append(("scales", .map(q.scales.map { (key: $0.code, value: encode($0)) })))
        top.append(("sections", .list(q.sections.map(encode))))
        top.append(("indices", .list(q.indices.map(encode))))
        if let translations = q.translations { top.append(("translations", translations)) }
        return .map(top)
    }

    static func codes(_ labels: [CodeLabel]) -> DocumentValue {
        .map(labels.map { (key: String($0.code), value: .string($0.label)) })
    }

    static func encode(_ s: Scale) -> DocumentValue {
        var fields: [(key: String, value: DocumentValue)] = [
            ("codes", codes(s.codes)),
            ("satisfied", .list(s.satisfied.map { .integer($0) })),
        ]
        if !s.notApplicable.isEmpty { fields.append(("not_applicable", .list(s.notApplicable.map { .integer($0) }))) }
        if let label = s.notApplicableLabel { fields.append(("not_applicable_label", .string(label))) }
        return .map(fields)
    }

    static func encode(_ s: Section) -> DocumentValue {
        .map([("code", .string(s.code)), ("title", .string(s.title)), ("items", .list(s.items.map(encode)))])
    }

    static func encode(_ i: Item) -> DocumentValue {
        var fields: [(key: String, value: DocumentValue)] = [
            ("code", .string(i.code)), ("type", .string(i.type.rawValue)), ("text", .string(i.text)),
        ]
        if let scale = i.scale { fields.append(("scale", .string(scale))) }
        if let options = i.options { fields.append(("options", codes(options))) }
        if let required = i.required { fields.append(("required", .boolean(required))) }
        if let relevant = i.relevant { fields.append(("relevant", .string(relevant))) }
        return .map(fields)
    }

    static func encode(_ n: IndexNode) -> DocumentValue {
        var fields: [(key: String, value: DocumentValue)] = [
            ("code", .string(n.code)), ("title", .string(n.title)), ("rule", .string(n.rule.rawValue)),
        ]
        if let weights = n.weights {
            fields.append(("weights", .list(weights.map { $0 == $0.rounded() && abs($0) < 1e15 ? .integer(Int($0)) : .number($0) })))
        }
        fields.append(("children", .list(n.children.map { child in
            switch child {
            case let .node(inner): return encode(inner)
            case let .reference(code): return .string(code)
            }
        })))
        return .map(fields)
    }
}
