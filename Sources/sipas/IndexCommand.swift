import ArgumentParser
import Foundation
import SIPASCore
import SIPASFormats

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Tính chỉ số hài lòng từ tệp phiếu trả lời (compute the index from a responses CSV).",
        discussion: """
        Ví dụ: sipas index --questionnaire sipas-2017 --responses responses.csv --by unit --format table
        Kết quả: chỉ số từng tiêu chí, yếu tố, lĩnh vực và chỉ số chung, với sai số chuẩn, khoảng tin cậy 95%, \
        số phiếu hợp lệ n và cảnh báo n thấp.
        """
    )

    @Option(name: .long, help: "Mã bảng hỏi có sẵn (sipas-2017, sipas-2023) hoặc đường dẫn tệp YAML/JSON.")
    var questionnaire: String

    @Option(name: .long, help: "Tệp CSV phiếu trả lời (UTF-8).")
    var responses: String

    @Option(name: .long, help: "Nhóm theo cột, cách nhau bởi dấu phẩy (group by columns, e.g. unit or province,channel).")
    var by: String?

    @Option(name: .customLong("rollup-mean-of"), help: "Trung bình cộng các nhóm theo cột này (e.g. province: the national mean of provinces).")
    var rollupMeanOf: String?

    @Option(name: .customLong("min-n"), help: "Ngưỡng cảnh báo n thấp (low-n threshold).")
    var minN: Int = 30

    @Option(name: .long, help: "csv | json | table")
    var format: IndexResultWriter.Format = .table

    @Option(name: .long, help: "Ghi kết quả ra tệp thay vì màn hình.")
    var output: String?

    func validate() throws {
        if minN < 0 { throw ValidationError("--min-n phải là số không âm (must be >= 0)") }
        if let by, by.split(separator: ",", omittingEmptySubsequences: false).contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw ValidationError("--by: tên cột trống trong \"\(by)\" (an empty column name)")
        }
    }

    func run() throws {
        let q = try QuestionnaireSource.load(questionnaire)
        guard let source = FileByteSource(path: responses) else {
            throw CLIFailure.noInput("không mở được tệp phiếu \(responses) (cannot open the responses file)")
        }
        let reader = ResponsesCSVReader(questionnaire: q) { source.read(into: $0, count: $1) }
        let columns = by.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
        let progress = ProgressLine()
        let expected = source.size.map { $0 / 80 } ?? 0
        let outcome: ResponsesIndexer.Outcome
        do {
            outcome = try ResponsesIndexer.run(
                reader: reader, by: columns, rollupOf: rollupMeanOf, minN: minN, expectedRows: expected,
                progress: { progress.update(rows: $0, bytes: $1) })
            progress.finish()
        } catch let failure as ResponsesImportFailed {
            progress.finish()
            throw CLIFailure.data("\(responses): tệp bị từ chối, không có kết quả nào được tính (the file was refused):\n"
                + failure.problems.map { "\(responses):\($0.line)\($0.column.map { ":\($0)" } ?? ""): \($0)" }.joined(separator: "\n")
                + (failure.total > failure.problems.count ? "\n… và \(failure.total - failure.problems.count) lỗi khác (and \(failure.total - failure.problems.count) more)" : ""))
        } catch let unknown as ResponsesIndexer.UnknownColumn {
            progress.finish()
            throw CLIFailure.usage(unknown.description)
        }
        if outcome.warnings.total > 0 {
            printError("Cảnh báo (warnings): \(outcome.warnings.total) câu trả lời cho câu hỏi lẽ ra phải bỏ qua được giữ lại nhưng không tính vào chỉ số:\n" + outcome.warnings.description)
        }
        let title = "\(q.title)\nBảng hỏi \(q.id) phiên bản \(q.version) — \(DecimalText.groupThousands(outcome.rows)) phiếu"
        try OutputFile.write(IndexResultWriter.write(outcome.result, as: format, title: title), to: output)
    }
}

extension IndexResultWriter.Format: ExpressibleByArgument {}
