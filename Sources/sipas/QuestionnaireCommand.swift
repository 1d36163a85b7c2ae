import ArgumentParser
import Foundation
import SIPASCore
import SIPASFormats

struct QuestionnaireCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "questionnaire",
        abstract: "Bảng hỏi: liệt kê, xem, kiểm tra, xuất (questionnaires: list, show, validate, export).",
        subcommands: [List.self, Show.self, Validate.self, Export.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Các bảng hỏi có sẵn (built-in questionnaires).")

        func run() throws {
            var lines = ["Mã (id)       Phiên bản  Tiêu chí  Tiêu đề"]
            for id in BuiltinQuestionnaires.ids {
                guard let q = BuiltinQuestionnaires.load(id: id) else { continue }
                let leaves = IndexPlan(q).leaves.count
                lines.append(id.padding(toLength: 14, withPad: " ", startingAt: 0)
                    + String(q.version).padding(toLength: 11, withPad: " ", startingAt: 0)
                    + String(leaves).padding(toLength: 10, withPad: " ", startingAt: 0) + q.title)
            }
            print(lines.joined(separator: "\n"))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Xem một bảng hỏi: thang đo, câu hỏi, cây chỉ số (show a questionnaire).")

        @Argument(help: "Mã bảng hỏi hoặc đường dẫn tệp (ID or FILE).")
        var questionnaire: String

        func run() throws {
            print(QuestionnaireSummary.text(try QuestionnaireSource.load(questionnaire)), terminator: "")
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Kiểm tra một tệp bảng hỏi (validate a questionnaire file).")

        @Argument(help: "Tệp YAML hoặc JSON.")
        var file: String

        func run() throws {
            guard FileManager.default.fileExists(atPath: file) else {
                throw CLIFailure.noInput("không có tệp \(file) (no such file)")
            }
            let q = try QuestionnaireSource.read(path: file)
            let plan = IndexPlan(q)
            print("Hợp lệ (valid): \(q.id) phiên bản \(q.version) — \(q.items.count) câu hỏi, \(q.indices.count) cây chỉ số, \(plan.leaves.count) tiêu chí.")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Xuất bảng hỏi theo định dạng trao đổi (export in the interchange format).")

        @Argument(help: "Mã bảng hỏi hoặc đường dẫn tệp.")
        var questionnaire: String

        @Option(name: .long, help: "yaml | json")
        var format: QuestionnaireWriter.Format = .yaml

        @Option(name: .long, help: "Ghi ra tệp thay vì màn hình.")
        var output: String?

        func run() throws {
            let q = try QuestionnaireSource.load(questionnaire)
            try OutputFile.write(QuestionnaireWriter.write(q, as: format), to: output)
        }
    }
}

extension QuestionnaireWriter.Format: ExpressibleByArgument {}

/// The human-readable view of `questionnaire show`.
enum QuestionnaireSummary {
    static func text(_ q: Questionnaire) -> String {
        var out = "\(q.title)\n"
        out += "Mã: \(q.id)   Phiên bản: \(q.version)   Ngôn ngữ: \(q.language)\n"
        if let source = q.source { out += "Nguồn: \(source)\n" }
        out += "\nThang đo (scales):\n"
        for s in q.scales {
            let codes = s.codes.map { "\($0.code)=\($0.label)" }.joined(separator: "; ")
            out += "  \(s.code): \(codes); hài lòng: \(s.satisfied.map(String.init).joined(separator: ", "))"
            if !s.notApplicable.isEmpty { out += "; không áp dụng: \(s.notApplicable.map(String.init).joined(separator: ", "))" }
            out += "\n"
        }
        out += "\nCác phần (sections):\n"
        for section in q.sections {
            out += "  \(section.code) — \(section.title) (\(section.items.count) câu)\n"
            for item in section.items {
                var line = "    \(item.code) [\(item.type.rawValue)\(item.scale.map { ": \($0)" } ?? "")] \(item.text)"
                if let relevant = item.relevant { line += "  ⟨khi \(relevant)⟩" }
                out += line + "\n"
            }
        }
        out += "\nCây chỉ số (index trees):\n"
        let plan = IndexPlan(q)
        for node in plan.nodes {
            let indent = String(repeating: "  ", count: node.depth + 1)
            out += "\(indent)\(node.code) — \(node.title)\(node.leaf == nil ? "" : " (tiêu chí)")\n"
        }
        return out
    }
}
