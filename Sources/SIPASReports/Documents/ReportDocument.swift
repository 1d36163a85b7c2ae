import Foundation
import SIPASApp

/// The printable report as a document on its own — styles inline — for the command line and for
/// printing to PDF (`sipas report --html|--pdf`).
public enum ReportDocument {
    public static func html(_ report: CampaignReport) throws -> String {
        let page = ReportPage(report, style: .inline(DocumentTemplates.printStyle), toolbar: nil)
        return try DocumentTemplates().render(page.template, page)
    }

    public static func pdf(_ report: CampaignReport) async throws -> [UInt8] {
        try await PDFPrinter.pdf(of: try html(report))
    }
}
