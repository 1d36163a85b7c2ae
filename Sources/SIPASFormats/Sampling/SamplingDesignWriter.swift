import SIPASCore

/// A design with every default filled in, as the record keeps it and the editor shows it
/// (sampling-method §11).
public enum SamplingDesignWriter {
    public static func document(_ design: SamplingDesign, frameKey: String) -> DocumentValue {
        var stages: [DocumentValue] = design.areaStages.map(area)
        stages.append(person(design.personStage))
        return .map([("key", .string(design.key ?? frameKey)), ("stages", .list(stages))])
    }

    public static func yaml(_ design: SamplingDesign, frameKey: String) -> String {
        DocumentWriter.yaml(document(design, frameKey: frameKey))
    }

    private static func area(_ stage: AreaStage) -> DocumentValue {
        var fields: [(key: String, value: DocumentValue)] = [
            ("name", .string(stage.name)), ("method", .string(stage.method.rawValue)),
            ("parent", .string(stage.parent)), ("key", .string(stage.key)),
        ]
        if let size = stage.size { fields.append(("size", .string(size))) }
        fields.append(("n", .integer(stage.count)))
        return .map(fields)
    }

    private static func person(_ stage: PersonStage) -> DocumentValue {
        var fields: [(key: String, value: DocumentValue)] = [("name", .string(stage.name)), ("method", .string("srs"))]
        if let within = stage.within { fields.append(("within", .string(within))) }
        fields.append(("strata", .list(stage.strata.map(DocumentValue.string))))
        fields.append(("size", size(stage.size)))
        fields.append(("scope", .string(stage.scope.rawValue)))
        var allocation: [(key: String, value: DocumentValue)] = [
            ("method", .string(stage.allocation.method.name)), ("min", .integer(stage.allocation.minimum)),
        ]
        if case .neyman(let p) = stage.allocation.method {
            allocation.append(("p", .map(p.keys.sorted(by: Allocation.codePointOrder).map { ($0, .number(p[$0]!)) })))
        }
        fields.append(("allocation", .map(allocation)))
        switch stage.reserves {
        case .ratio(let r): fields.append(("reserves", .map([("ratio", .number(r))])))
        case .count(let c): fields.append(("reserves", .map([("count", .integer(c))])))
        }
        return .map(fields)
    }

    private static func size(_ rule: SizeRule) -> DocumentValue {
        switch rule {
        case .yamane(let e): .map([("rule", .string("yamane")), ("e", .number(e))])
        case .cochran(let e, let p, let deff, let rr):
            .map([("rule", .string("cochran")), ("e", .number(e)), ("p", .number(p)), ("deff", .number(deff)), ("rr", .number(rr))])
        case .fixed(let count): .map([("rule", .string("fixed")), ("count", .integer(count))])
        }
    }
}
