import ArgumentParser
import Foundation
import SIPASApp
import SIPASCore
import SIPASFormats
import SIPASReports

/// `sipas fieldwork`: the post office's fieldwork from the command line, acting as a named
/// account (the operator holds the database; every change is audited under that account).
struct FieldworkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fieldwork",
        abstract: "Điều tra thực địa: phân công, kết quả theo bảng kê, thay thế, phúc tra, tiến độ, in bảng kê (fieldwork).",
        subcommands: [FieldworkProgressCommand.self, FieldworkAssignCommand.self, FieldworkRecordCommand.self, FieldworkReplaceCommand.self,
                      FieldworkRecheckCommand.self, FieldworkListCommand.self, FieldworkFormsCommand.self, FieldworkPaymentsCommand.self]
    )
}

/// Options every fieldwork command shares.
struct FieldworkOptions: ParsableArguments {
    @Option(name: .long, help: "Mã hoặc id kỳ đo lường.")
    var campaign: String

    @Option(name: .customLong("as"), help: "Tài khoản thực hiện (ghi vào nhật ký), ví dụ snv.langson hoặc dtv.an.")
    var account: String

    @OptionGroup var store: StoreOptions

    func run<T>(_ body: (Platform, Int, User) async throws -> T) async throws -> T {
        try await store.withPlatform { platform in
            guard let user = try await platform.accounts.find(username: account) else {
                throw ValidationError("không có tài khoản \(account) (unknown account)")
            }
            return try await body(platform, try await platform.campaign(reference: campaign).id, user)
        }
    }
}

struct FieldworkProgressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "progress", abstract: "Tiến độ theo đơn vị, điều tra viên, bưu điện hoặc tầng (progress).",
        discussion: "Ví dụ: sipas fieldwork progress --campaign LSN-VQ-2026 --as snv.langson --by enumerator --csv tien-do.csv")

    @OptionGroup var options: FieldworkOptions
    @Option(help: "unit | enumerator | post_office | stratum") var by = "unit"
    @Option(help: "Ghi bảng tiến độ dạng CSV vào tệp này (- : màn hình).") var csv: String?

    func run() async throws {
        guard let grouping = FieldworkProgress.Grouping(rawValue: by) else { throw ValidationError("--by là unit, enumerator, post_office hoặc stratum") }
        try await options.run { platform, id, user in
            let report = try await platform.fieldworkProgress.report(campaign: id, by: grouping, user: user)
            if let csv { try OutputFile.write(FieldworkProgressCSV.text(report), to: csv == "-" ? nil : csv); return }
            func percent(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }
            print("\(report.campaign.code): \(report.total.cases) trường hợp, đã thu \(report.total[.collected]), tỷ lệ phản hồi \(percent(report.total.responseRate)), RR1 \(percent(report.total.rr1)), quá hạn \(report.total.overdue)")
            for row in report.rows {
                print([row.key.isEmpty ? "(chưa giao)" : row.key, row.label, "\(row.counts.cases) trường hợp", "thu \(row.counts[.collected])",
                       "phản hồi \(percent(row.counts.responseRate))"].joined(separator: "\t"))
            }
        }
    }
}

struct FieldworkAssignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign", abstract: "Giao mọi trường hợp chưa giao của các đơn vị cho một điều tra viên (assign by area).",
        discussion: "Ví dụ: sipas fieldwork assign --campaign LSN-VQ-2026 --as snv.langson --units 06253,06280 --enumerator dtv.an")

    @OptionGroup var options: FieldworkOptions
    @Option(help: "Mã các đơn vị, cách nhau bởi dấu phẩy.") var units: String
    @Option(help: "Tên đăng nhập của điều tra viên.") var enumerator: String

    func run() async throws {
        try await options.run { platform, id, user in
            guard let target = try await platform.accounts.find(username: enumerator) else { throw ValidationError("không có tài khoản \(enumerator)") }
            let preview = try await platform.assignments.preview(campaign: id, by: user)
            var ids: [Int] = []
            for code in units.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                guard let unit = preview.units.first(where: { $0.unit.code == code }) else { throw ValidationError("đơn vị \(code) không được đo trong kỳ này") }
                ids.append(unit.unit.id)
            }
            let outcome = try await platform.assignments.assign(campaign: id, unitIds: ids, to: target.id, by: user)
            print("Đã giao \(outcome.assigned) trường hợp cho \(enumerator); \(outcome.alreadyHeld) trường hợp đã có người giữ (dùng chuyển trường hợp để đổi).")
        }
    }
}

struct FieldworkRecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record", abstract: "Ghi kết quả theo bảng kê (CSV hoặc XLSX: ma_phieu, ket_qua, ngay, ghi_chu), tất cả hoặc không (record a bảng kê).",
        discussion: "Ví dụ: sipas fieldwork record --campaign LSN-VQ-2026 --as dtv.an --file bang-ke.csv")

    @OptionGroup var options: FieldworkOptions
    @Option(help: "Tệp bảng kê.") var file: String

    func run() async throws {
        try await options.run { platform, id, user in
            let table = try FrameFiles.open(path: file)
            let outcome = try await platform.dispositions.importTable(table, campaign: id, by: user)
            print("Đã ghi \(outcome.recorded) kết quả; \(outcome.unchanged) dòng không đổi.")
        }
    }
}

struct FieldworkReplaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replace", abstract: "Thay trường hợp không phản hồi bằng trường hợp dự phòng kế tiếp của tầng (replace).",
        discussion: "Ví dụ: sipas fieldwork replace --campaign LSN-VQ-2026 --as snv.langson --code 000012-5")

    @OptionGroup var options: FieldworkOptions
    @Option(help: "Mã phiếu của trường hợp cần thay.") var code: String

    func run() async throws {
        try await options.run { platform, id, user in
            let outcome = try await platform.dispositions.replace(code: code, campaign: id, by: user)
            print("Đã thay \(outcome.replaced.code) bằng trường hợp dự phòng \(outcome.reserve.code).")
        }
    }
}

struct FieldworkRecheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recheck", abstract: "Chọn mẫu phúc tra (§10), hoặc ghi kết quả phúc tra của một trường hợp (re-check).",
        discussion: "Ví dụ: sipas fieldwork recheck --campaign LSN-VQ-2026 --as snv.langson --share 0.1\n       sipas fieldwork recheck --campaign LSN-VQ-2026 --as snv.langson --code 000012-5 --outcome confirmed")

    @OptionGroup var options: FieldworkOptions
    @Option(help: "Tỷ lệ phúc tra (0–1), mặc định 0.1.") var share: Double?
    @Option(help: "Mã phiếu của trường hợp đã phúc tra.") var code: String?
    @Option(help: "confirmed | not_confirmed | unreachable") var outcome: String?

    func run() async throws {
        try await options.run { platform, id, user in
            if let code {
                guard let outcome else { throw ValidationError("cần --outcome cùng --code") }
                try await platform.rechecks.record(campaign: id, code: code, outcome: outcome, note: nil, by: user)
                print("Đã ghi kết quả phúc tra của \(code): \(outcome).")
            } else {
                let added = try await platform.rechecks.select(campaign: id, share: share ?? RecheckSelection.defaultShare, by: user)
                print("Đã chọn thêm \(added) trường hợp phúc tra.")
            }
        }
    }
}

/// Which enumerator's document, and where to write it: HTML, PDF or both.
struct EnumeratorDocumentOptions: ParsableArguments {
    @Option(help: "Tên đăng nhập của điều tra viên.") var enumerator: String
    @Option(help: "Ghi PDF vào tệp này.") var pdf: String?
    @Option(help: "Ghi HTML vào tệp này.") var html: String?

    func validate() throws {
        if pdf == nil && html == nil { throw ValidationError("cần --pdf hoặc --html") }
        if pdf != nil && PDFPrinter.chromium() == nil { throw ValidationError(PDFPrinter.missing) }
    }

    func enumerator(_ platform: Platform) async throws -> User {
        guard let target = try await platform.accounts.find(username: enumerator) else { throw ValidationError("không có tài khoản \(enumerator)") }
        return target
    }

    func write(html document: () throws -> String, pdf print: () async throws -> [UInt8]) async throws {
        if let html { try OutputFile.write(try document(), to: html) }
        if let pdf {
            let started = ContinuousClock.now
            let bytes = try await print()
            try Data(bytes).write(to: URL(fileURLWithPath: pdf), options: .atomic)
            FileHandle.standardError.write(Data("PDF: \(pdf), \(bytes.count) byte, \(ContinuousClock.now - started)\n".utf8))
        }
    }
}

struct FieldworkListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bang-ke", abstract: "In bảng kê giao nhận phiếu của một điều tra viên (HTML hoặc PDF, khổ A4 ngang) (print a bảng kê).",
        discussion: "Ví dụ: sipas fieldwork bang-ke --campaign LSN-VQ-2026 --as snv.langson --enumerator dtv.an --pdf bang-ke.pdf")

    @OptionGroup var options: FieldworkOptions
    @OptionGroup var output: EnumeratorDocumentOptions

    func run() async throws {
        try await options.run { platform, id, user in
            let document = BangKe(try await platform.fieldworkCases.listing(campaign: id, enumerator: try await output.enumerator(platform).id, by: user))
            try await output.write(html: document.html, pdf: document.pdf)
        }
    }
}

struct FieldworkFormsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "questionnaires", abstract: "In phiếu khảo sát cho từng trường hợp của một điều tra viên: mã phiếu, mã QR, đơn vị, cách gửi lại (print questionnaires).",
        discussion: "Ví dụ: sipas fieldwork questionnaires --campaign LSN-VQ-2026 --as snv.langson --enumerator dtv.an --pdf phieu.pdf")

    @OptionGroup var options: FieldworkOptions
    @OptionGroup var output: EnumeratorDocumentOptions
    @Flag(help: "Cả các trường hợp đã có kết quả (mặc định: chỉ các trường hợp còn phải phát hoặc thu).") var all = false

    func run() async throws {
        try await options.run { platform, id, user in
            let forms = try await platform.fieldworkDocuments.questionnaires(campaign: id, enumerator: try await output.enumerator(platform).id, all: all, by: user)
            let document = CaseQuestionnaires(forms)
            try await output.write(html: document.html, pdf: document.pdf)
        }
    }
}

struct FieldworkPaymentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payments", abstract: "Danh sách nhận tiền hỗ trợ của người trả lời (các trường hợp đã thu phiếu), tổng bằng số và bằng chữ (payment list).",
        discussion: "Ví dụ: sipas fieldwork payments --campaign LSN-VQ-2026 --as snv.langson --enumerator dtv.an --amount 50000 --pdf danh-sach.pdf")

    @OptionGroup var options: FieldworkOptions
    @OptionGroup var output: EnumeratorDocumentOptions
    @Option(help: "Số tiền hỗ trợ mỗi người (đồng).") var amount: Int

    func run() async throws {
        try await options.run { platform, id, user in
            let payments = try await platform.fieldworkDocuments.payments(campaign: id, enumerator: try await output.enumerator(platform).id, amount: amount, by: user)
            let document = PaymentList(payments)
            try await output.write(html: document.html, pdf: document.pdf)
            print("\(payments.rows.count) người nhận, tổng \(payments.total) đồng (\(VietnameseNumberWords.amount(payments.total))).")
        }
    }
}
