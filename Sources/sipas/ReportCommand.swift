import ArgumentParser
import Foundation
import SIPASApp
import SIPASReports


struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Xuất báo cáo của kỳ đo lường: bảng tính XLSX, báo cáo HTML để in, hoặc PDF (the campaign's official outputs).",
        discussion: """
        Ví dụ: sipas report --campaign LSN-VQ-2023 --pdf bao-cao.pdf
               sipas report --campaign LSN-VQ-2023 --xlsx bang-tinh.xlsx --html bao-cao.html
        Số liệu giống hệt màn hình và API của người quản trị kỳ đo lường. PDF được in bằng Chromium chạy ẩn \
        (apt-get install chromium, hoặc SIPAS_CHROMIUM=/đường/dẫn).
        """
    )

    @Option(name: .long, help: "Mã hoặc id kỳ đo lường.")
    var campaign: String

    @Option(name: .long, help: "Ghi bảng tính XLSX vào tệp này.")
    var xlsx: String?

    @Option(name: .long, help: "Ghi báo cáo HTML (in được, khổ A4) vào tệp này.")
    var html: String?

    @Option(name: .long, help: "Ghi báo cáo PDF vào tệp này.")
    var pdf: String?

    @OptionGroup var store: StoreOptions

    func validate() throws {
        if xlsx == nil && html == nil && pdf == nil { throw ValidationError("cần ít nhất một trong --xlsx, --html, --pdf (what to write)") }
        if pdf != nil && PDFPrinter.chromium() == nil { throw ValidationError(PDFPrinter.missing) }
    }

    func run() async throws {
        try await store.withPlatform { platform in
            let context = try await platform.dashboards.operatorContext(campaign: campaign)
            if let xlsx {
                let started = ContinuousClock.now
                let bytes = try await platform.workbooks.workbook(context, user: nil).xlsx()
                try write(bytes, to: xlsx)
                note("bảng tính", xlsx, bytes.count, started)
            }
            guard html != nil || pdf != nil else { return }
            let report = try await platform.reports.report(context, user: nil)
            if let html {
                let started = ContinuousClock.now
                let text = try ReportDocument.html(report)
                try write(Array(text.utf8), to: html)
                note("báo cáo HTML", html, text.utf8.count, started)
            }
            if let pdf {
                let started = ContinuousClock.now
                let bytes = try await ReportDocument.pdf(report)
                try write(bytes, to: pdf)
                note("báo cáo PDF", pdf, bytes.count, started)
            }
        }
    }

    private func write(_ bytes: [UInt8], to path: String) throws {
        do { try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw CLIFailure.cannotWrite("không ghi được tệp \(path): \(error.localizedDescription) (cannot write the output file)")
        }
    }

    private func note(_ what: String, _ path: String, _ size: Int, _ started: ContinuousClock.Instant) {
        let seconds = Double((ContinuousClock.now - started).components.attoseconds) / 1e18 + Double((ContinuousClock.now - started).components.seconds)
        FileHandle.standardError.write(Data("Đã ghi \(what) \(path) (\(size / 1024) KB, \(String(format: "%.2f", seconds).replacingOccurrences(of: ".", with: ",")) giây)\n".utf8))
    }
}

struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Công bố kết quả của kỳ đo lường: trang công khai, dữ liệu mở và tiện ích nhúng (publish a campaign's results).",
        discussion: """
        Ví dụ: sipas publish --campaign LSN-VQ-2023
        Kỳ đo lường phải ở trạng thái "Phân tích" (đã kết thúc nhập liệu). Việc công bố được ghi vào nhật ký; \
        thu hồi bằng cách chuyển kỳ đo lường về "Phân tích" trên màn hình hoặc API.
        """
    )

    @Option(name: .long, help: "Mã hoặc id kỳ đo lường.")
    var campaign: String

    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await store.withPlatform { platform in
            let published = try await platform.publications.publishAsOperator(campaign: campaign)
            print("Đã công bố kết quả kỳ \(published.code): /public/\(published.code)")
        }
    }
}
