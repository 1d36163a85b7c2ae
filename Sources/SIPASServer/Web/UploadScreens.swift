import Foundation
import Hummingbird
import SIPASApp
import SIPASReports
import SIPASCore
import SIPASFormats

/// Uploading a responses CSV in the browser: all or nothing, as through the API; a refused file's
/// problems are listed with their line and column, and nothing is stored.
extension WebScreens {
    func registerUploadScreens() {
        page("/campaigns/{id}/upload") { _, context, user in
            let campaign = try await platform.campaigns.campaign(try Self.id(context), by: user)
            try platform.authorize(user, .importResponses)
            var page = UploadPage(campaign, user: user, csrf: context.csrfToken, limit: platform.limits.importBytes)
            page.guide = try await platform.responses.template(campaign: campaign.id, by: user).columns.map(UploadPage.GuideLine.init)
            return templates.page("upload", page)
        }
        page("/campaigns/{id}/template.csv") { _, context, user in
            let template = try await platform.responses.template(campaign: try Self.id(context), by: user)
            return Self.download(ResponseTemplateFiles.csv(template), type: "text/csv; charset=utf-8",
                                          name: "\(template.campaign.code)-mau-phieu.csv")
        }
        page("/campaigns/{id}/template.xlsx") { _, context, user in
            let template = try await platform.responses.template(campaign: try Self.id(context), by: user)
            return Self.download(ResponseTemplateFiles.workbook(template).xlsx(),
                                          type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                          name: "\(template.campaign.code)-mau-phieu.xlsx")
        }
        router.post("/campaigns/{id}/upload") { request, context in
            guard let user = context.user, context.tokenKind == .session else { return Self.toSignIn(request) }
            return try await rendering(request, context) {
                let id = try Self.id(context)
                try platform.authorize(user, .importResponses)
                let upload = try await MultipartUpload.receive(request, limit: platform.limits.importBytes)
                defer { if let path = upload.filePath { unlink(path) } }
                try WebForm.checkToken(upload.fields["_csrf"], context: context)
                let campaign = try await platform.campaigns.campaign(id, by: user)
                var page = UploadPage(campaign, user: user, csrf: context.csrfToken, limit: platform.limits.importBytes)
                guard let path = upload.filePath else {
                    page.fileError = "Hãy chọn một tệp CSV phiếu trả lời."
                    return templates.page("upload", page, status: .unprocessableContent)
                }
                page.fileName = upload.fileName
                let channel = upload.fields["channel"].flatMap(Channel.init(rawValue:)) ?? .paper
                do {
                    let summary = try await platform.responses.importCSV(.file(path), campaign: id, by: user, channel: channel)
                    page.result = .init(rows: VietnameseFormat.count(summary.rows), added: VietnameseFormat.count(summary.added),
                                        unchanged: VietnameseFormat.count(summary.unchanged),
                                        warnings: summary.warnings.sorted { $0.key < $1.key }.map { "\($0.key): \(VietnameseFormat.count($0.value))" })
                    // Counts per unit are a campaign administrator's progress figures (others must not watch them move).
                    if try await platform.isCampaignAdmin(user, campaign) {
                        let received = try await platform.dashboards.received(campaign: id, by: user)
                        page.perUnit = received.byUnit.map { row in
                            UploadPage.UnitCount(name: row.unit?.unit.name ?? row.code, code: row.code, count: VietnameseFormat.count(row.count),
                                                 belowFloor: row.count < campaign.disclosureMinN)
                        }
                        page.belowFloor = VietnameseFormat.count(page.perUnit.filter(\.belowFloor).count)
                        page.floor = campaign.disclosureMinN
                    }
                    return templates.page("upload", page)
                } catch let error as AppError where [.invalid, .invalidContent, .conflict, .malformed, .tooLarge].contains(error.kind) {
                    page.refusal = WebMessage.vietnamese(error.message)
                    page.problems = error.items.prefix(100).map(ErrorPage.Item.init)
                    page.moreProblems = error.totalItems > 100 ? VietnameseFormat.count(error.totalItems - 100) : nil
                    return templates.page("upload", page, status: error.status)
                }
            }
        }
    }
}

/// The files behind "Tải mẫu": the CSV an import reads (header and example row, with a byte
/// order mark so that Excel reads Vietnamese), and a workbook that also explains every column
/// and lists the units.
enum ResponseTemplateFiles {
    static func csv(_ t: ResponseTemplate) -> [UInt8] {
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        for row in [t.columns.map(\.name), t.example] {
            for (i, field) in row.enumerated() {
                if i > 0 { out.append(44) }
                CSVLine.append(field, to: &out)
            }
            out += [13, 10]
        }
        return out
    }

    static func workbook(_ t: ResponseTemplate) -> Workbook {
        Workbook(sheets: [
            .init(name: "Phiếu", header: t.columns.map(\.name), rows: [t.example.map { .text($0) }]),
            .init(name: "Hướng dẫn", header: ["Cột", "Tên cột", "Câu hỏi", "Giá trị nhận"],
                  rows: t.columns.enumerated().map { i, c in [.text(ExcelColumn.letters(i + 1)), .text(c.name), .text(c.question), .text(c.accepts)] }
                    + [[.empty, .empty, .text("Điền mỗi phiếu một dòng ở sheet \"Phiếu\" (xóa dòng ví dụ VD-0001), rồi lưu sheet đó thành CSV UTF-8 để tải lên."), .empty]],
                  widths: [6, 14, 70, 60]),
            .init(name: "Đơn vị", header: ["Mã (cột unit)", "Tên đơn vị"], rows: t.units.map { [.text($0.code), .text($0.name)] }, widths: [16, 50]),
        ])
    }
}

struct UploadPage: Sendable {
    struct GuideLine: Sendable {
        var letter: String
        var name: String
        var question: String
        var accepts: String
        init(_ column: ResponseTemplate.Column) {
            letter = ""
            name = column.name
            question = column.question
            accepts = column.accepts
        }
    }

    struct UnitCount: Sendable {
        var name: String
        var code: String
        var count: String
        var belowFloor: Bool
    }

    struct Result: Sendable {
        var rows: String
        var added: String
        var unchanged: String
        var warnings: [String]
    }

    struct Option: Sendable {
        var value: String
        var label: String
    }

    var chrome: Chrome
    var campaign: CampaignLine
    var accepts: Bool
    var channels = VietnameseFormat.channels.map { Option(value: $0.0, label: $0.1) }
    var maxSize: String
    var fileName: String?
    var fileError: String?
    var result: Result?
    var refusal: String?
    var problems: [ErrorPage.Item] = []
    var moreProblems: String?
    var guide: [GuideLine] = [] { didSet { for i in guide.indices { guide[i].letter = ExcelColumn.letters(i + 1) } } }
    var perUnit: [UnitCount] = []
    var belowFloor: String?
    var floor = 0

    init(_ campaign: Campaign, user: User, csrf: String?, limit: Int) {
        chrome = Chrome(title: "Tải tệp phiếu — \(campaign.title)", user: user, csrf: csrf, section: "campaigns")
        self.campaign = CampaignLine(campaign)
        accepts = campaign.status.acceptsResponses
        maxSize = "\(VietnameseFormat.count(limit >> 20)) MiB"
    }
}
