import Foundation
import SIPASApp
import SIPASCore

/// The enumerator's list (bảng kê giao nhận phiếu, seed 000): every case given to them with the
/// respondent, address, phone and commune, columns for the delivery and collection dates, the
/// outcome and the respondent's signature; numbered pages with their count of cases, a header
/// naming campaign, post office and enumerator, and the signature block. A4 landscape, printed
/// by the browser or by Chromium to PDF.
public struct BangKe: Sendable {
    public struct Row: Sendable {
        var number: Int
        var code: String
        var respondent: String
        var address: String
        var phone: String
        var unit: String
        var delivered: String
        var collected: String
        var outcome: String
    }

    public struct Page: Sendable {
        var rows: [Row]
        var pageNumber: Int
        var pageCount: Int
        var count: Int
        var last: Bool
    }

    var title: String
    var campaignCode: String
    var campaignTitle: String
    var postOffice: String
    var enumerator: String
    var pages: [Page]
    var total: Int
    /// Inline for a document on its own (PDF); linked on screen, where the pages' policy allows no inline style.
    var cssInline: String?
    var cssHref: String?
    var toolbar: Toolbar?

    public struct Toolbar: Sendable {
        var back: String
        var pdf: String
        public init(back: String, pdf: String) {
            self.back = back
            self.pdf = pdf
        }
    }

    /// Rows per A4 landscape page, each row tall enough to sign in.
    public static let rowsPerPage = 10

    public init(_ listing: FieldworkCases.Listing, toolbar: Toolbar? = nil) {
        let rows = listing.lines.enumerated().map { i, l -> Row in
            let c = l.fieldCase
            let d = c.disposition, days = listing.dates[c.number] ?? [:]
            // The outcome's own day beside a non-response (the collection column holds collections only).
            let outcome = d.map { $0 == .assigned || $0 == .delivered || $0 == .collected ? "" : $0.label + (c.dispositionOn.map { " (" + VietnameseFormat.date($0) + ")" } ?? "") } ?? ""
            return Row(number: i + 1, code: c.code, respondent: l.contact["name"] ?? "", address: l.contact["address"] ?? "", phone: l.contact["phone"] ?? "",
                       unit: l.unit?.name ?? "", delivered: days[Disposition.delivered.rawValue].map { VietnameseFormat.date($0) } ?? "",
                       collected: days[Disposition.collected.rawValue].map { VietnameseFormat.date($0) } ?? "",
                       outcome: d == .collected ? Disposition.collected.label : outcome)
        }
        let chunks = stride(from: 0, to: max(rows.count, 1), by: Self.rowsPerPage).map { Array(rows[$0..<min($0 + Self.rowsPerPage, rows.count)]) }
        pages = chunks.enumerated().map { i, chunk in
            Page(rows: chunk, pageNumber: i + 1, pageCount: chunks.count, count: chunk.count, last: i == chunks.count - 1)
        }
        title = "Bảng kê giao nhận phiếu — \(listing.enumerator.displayName) — \(listing.campaign.code)"
        campaignCode = listing.campaign.code
        campaignTitle = listing.campaign.title
        postOffice = listing.postOffice
        enumerator = "\(listing.enumerator.displayName) (\(listing.enumerator.username))"
        total = rows.count
        if toolbar == nil { cssInline = DocumentTemplates.style(named: "bang-ke.css") } else { cssHref = "/static/bang-ke.css" }
        self.toolbar = toolbar
    }

    public func html() throws -> String { try DocumentTemplates().render("bang-ke", self) }

    public func pdf() async throws -> [UInt8] { try await PDFPrinter.pdf(of: try html()) }
}
