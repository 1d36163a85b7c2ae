import Foundation
import SIPASApp

/// The printable report as a document on its own — styles inline — for the command line and for
/// printing to PDF (`sipas report --html|--pdf`).
public enum ReportDocument {
    public static func html(_ report: CampaignReport) throws -> String {
        try WebTemplates().render("report", ReportPage(report, style: .inline(WebTemplates.reportStyle), toolbar: nil))
    }

    public static func pdf(_ report: CampaignReport) async throws -> [UInt8] {
        try await PDFPrinter.pdf(of: try html(report))
    }
}
