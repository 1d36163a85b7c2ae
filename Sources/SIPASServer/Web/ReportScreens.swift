import Foundation
import Hummingbird
import SIPASApp
import SIPASReports
import SIPASCore
import SIPASFormats

/// A campaign's official outputs for its readers: the printable report (HTML with print styles,
/// and PDF printed by headless Chromium), the workbook (XLSX) and its tables as CSV for Excel.
extension WebScreens {
    func registerReportScreens() {
        page("/campaigns/{id}/report") { _, context, user in
            let id = try Self.id(context)
            let report = try await platform.reports.report(campaign: id, by: user)
            let page = ReportPage(report, style: .linked("/static/report.css"), toolbar: .init(campaign: id))
            return templates.page(page.template, page)
        }
        page("/campaigns/{id}/report.pdf") { _, context, user in
            let id = try Self.id(context)
            let report = try await platform.reports.report(campaign: id, by: user)
            let page = ReportPage(report, style: .inline(DocumentTemplates.printStyle), toolbar: nil)
            let html = templates.render(page.template, page)
            let pdf = try await PDFPrinter.pdf(of: html)
            return Self.download(pdf, type: "application/pdf", name: "\(report.overview.context.campaign.code)-bao-cao.pdf")
        }
        page("/campaigns/{id}/report.xlsx") { _, context, user in
            let id = try Self.id(context)
            let workbook = try await platform.workbooks.workbook(campaign: id, by: user)
            let campaign = try await platform.campaigns.campaign(id, by: user)
            return Self.download(workbook.xlsx(), type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                 name: "\(campaign.code)-bang-tinh.xlsx")
        }
        page("/campaigns/{id}/tables.csv") { _, context, user in
            let id = try Self.id(context)
            let workbook = try await platform.workbooks.workbook(campaign: id, by: user)
            let campaign = try await platform.campaigns.campaign(id, by: user)
            let levels = workbook.sheets.indices.filter { workbook.sheets[$0].name.hasSuffix(CampaignWorkbook.perUnitSuffix) }
            return Self.download(Array(workbook.csvForExcel(sheets: levels).utf8), type: "text/csv; charset=utf-8", name: "\(campaign.code)-theo-don-vi.csv")
        }
    }

    static func download(_ bytes: [UInt8], type: String, name: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(name)\"", .cacheControl: "private, no-store"],
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
