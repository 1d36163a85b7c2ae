import ArgumentParser
import Foundation
import SIPASCore
import SIPASFormats
import SIPASApp
import SIPASStore

struct IndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Tính chỉ số hài lòng từ tệp phiếu trả lời (compute the index from a responses CSV).",
        discussion: """
        Ví dụ: sipas index --questionnaire sipas-2017 --responses responses.csv --by unit --format table
               sipas index --campaign LSN-VQ-2023 --by unit   (phiếu đã lưu trong cơ sở dữ liệu)
        Kết quả: chỉ số từng tiêu chí, yếu tố, lĩnh vực và chỉ số chung, với sai số chuẩn, khoảng tin cậy 95%, \
        số phiếu hợp lệ n và cảnh báo n thấp.
        """
    )

    @Option(name: .long, help: "Mã bảng hỏi có sẵn (sipas-2017, sipas-2023) hoặc đường dẫn tệp YAML/JSON.")
    var questionnaire: String?

    @Option(name: .long, help: "Tệp CSV phiếu trả lời (UTF-8).")
    var responses: String?

    @Option(name: .long, help: "Mã hoặc id kỳ đo lường: tính từ phiếu đã lưu trong cơ sở dữ liệu (--database).")
    var campaign: String?

    @OptionGroup var store: StoreOptions

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
        if campaign == nil && (questionnaire == nil || responses == nil) {
            throw ValidationError("cần --questionnaire và --responses (tệp), hoặc --campaign (cơ sở dữ liệu)")
        }
        if campaign != nil && (questionnaire != nil || responses != nil) {
            throw ValidationError("--campaign không đi cùng --questionnaire/--responses")
        }
        if minN < 0 { throw ValidationError("--min-n phải là số không âm (must be >= 0)") }
        if let by, by.split(separator: ",", omittingEmptySubsequences: false).contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw ValidationError("--by: tên cột trống trong \"\(by)\" (an empty column name)")
        }
    }

    func run() async throws {
        if let campaign { return try await runOnCampaign(campaign) }
        let q = try QuestionnaireSource.load(questionnaire!)
        let responses = self.responses!
        guard FileManager.default.isReadableFile(atPath: responses) else {
            throw CLIFailure.noInput("không mở được tệp phiếu \(responses) (cannot open the responses file)")
        }
        let columns = by.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
        let progress = ProgressLine()
        let outcome: ResponsesIndexer.Outcome
        do {
            defer { progress.finish() }
            outcome = try ResponsesIndexer.run(
                path: responses, questionnaire: q, by: columns, rollupOf: rollupMeanOf, minN: minN,
                progress: { progress.update(rows: $0, bytes: $1) })
        } catch let failure as ResponsesImportFailed {
            throw CLIFailure.data(ProblemListing.text(failure, file: responses))
        } catch let unknown as ResponsesIndexer.UnknownColumn {
            throw CLIFailure.usage(unknown.description)
        } catch let cannotOpen as ResponsesIndexer.CannotOpen {
            throw CLIFailure.noInput(cannotOpen.description)
        }
        if outcome.warnings.total > 0 {
            printError("Cảnh báo (warnings): \(outcome.warnings.total) câu trả lời cho câu hỏi lẽ ra phải bỏ qua được giữ lại nhưng không tính vào chỉ số:\n" + outcome.warnings.description)
        }
        let title = "\(q.title)\nBảng hỏi \(q.id) phiên bản \(q.version) — \(DecimalText.groupThousands(outcome.rows)) phiếu"
        try OutputFile.write(IndexResultWriter.write(outcome.result, as: format, title: title), to: output)
    }
}

extension IndexCommand {
    func runOnCampaign(_ reference: String) async throws {
        let columns = by.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
        try await store.withPlatform { platform in
            let outcome = try await platform.index.operatorFigures(campaign: reference, by: columns, rollup: rollupMeanOf, minN: minN)
            let title = "\(outcome.campaign.title)\nKỳ đo lường \(outcome.campaign.code) — \(DecimalText.groupThousands(outcome.responses)) phiếu"
            try OutputFile.write(IndexResultWriter.write(outcome.result, as: format, title: title), to: output)
        }
    }
}

extension IndexResultWriter.Format: ExpressibleByArgument {}

/// How refused files are reported: a heading, then `FILE:LINE[:COLUMN]: (column) message` lines.
enum ProblemListing {
    static func text(_ failure: ResponsesImportFailed, file: String) -> String {
        var lines = ["\(file): tệp bị từ chối, không có kết quả nào được tính; sửa các lỗi sau rồi chạy lại (the file was refused, nothing was computed):"]
        for p in failure.problems {
            let location = "\(file):\(p.line)" + (p.column.map { ":\($0)" } ?? "")
            lines.append("\(location): " + (p.columnName.map { "(\($0)) " } ?? "") + p.message)
        }
        if failure.total > failure.problems.count {
            let more = failure.total - failure.problems.count
            lines.append("… và \(more) lỗi khác (and \(more) more problems)")
        }
        return lines.joined(separator: "\n")
    }
}
