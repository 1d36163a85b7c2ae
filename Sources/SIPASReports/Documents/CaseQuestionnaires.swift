import Foundation
import SIPASApp
import SIPASCore

/// A questionnaire printed per case: the case code with its check digit and its QR code at the
/// top of every form (the data-entry desk keys or scans it), the commune, the questions with
/// their answer codes as boxes to tick, and how to return the form. Anonymous: no name on it.
public struct CaseQuestionnaires: Sendable {
    struct Option: Sendable { var code: String; var label: String }
    struct Question: Sendable { var code: String; var text: String; var options: [Option]; var hint: String?; var condition: String?; var lines: Bool }
    /// Consecutive items on one scale, as the national form prints them: a table whose columns
    /// are the scale's codes, a box in each, one row per criterion.
    struct Grid: Sendable { var columns: [Option]; var gridRows: [GridRow] }
    struct GridRow: Sendable { var rowCode: String; var rowText: String; var rowCondition: String?; var boxes: [String] }
    /// One of the two (distinct names: a template reading a missing one must not find its parent's).
    struct Block: Sendable { var grid: Grid?; var question: Question? }
    struct Section: Sendable { var title: String; var blocks: [Block] }
    struct Form: Sendable { var code: String; var unit: String; var qr: String }

    var title: String
    var campaignTitle: String
    var questionnaireTitle: String
    var forms: [Form]
    var sections: [Section]
    var cssInline: String?
    var cssHref: String?
    var toolbar: BangKe.Toolbar?

    public init(_ q: FieldworkDocuments.Questionnaires, toolbar: BangKe.Toolbar? = nil) {
        title = "Phiếu khảo sát — \(q.campaign.code)"
        campaignTitle = q.campaign.title
        questionnaireTitle = q.questionnaire.title
        forms = q.forms.map { Form(code: $0.code, unit: $0.unit, qr: QRCode.svg($0.code, size: 24, label: "Mã phiếu \($0.code)")) }
        let questionnaire = q.questionnaire
        sections = questionnaire.sections.map { section in
            var blocks: [Block] = []
            for item in section.items {
                let condition = item.relevant.map { "chỉ trả lời khi \(Self.readable($0))" }
                if item.type == .likert, let scale = questionnaire.scale(item.scale ?? "") {
                    var columns = scale.codes.map { Option(code: String($0.code), label: $0.label) }
                    columns += scale.notApplicable.map { Option(code: String($0), label: scale.notApplicableLabel ?? "Không áp dụng") }
                    let row = GridRow(rowCode: item.code, rowText: item.text, rowCondition: condition, boxes: columns.map(\.code))
                    if let last = blocks.last?.grid, last.columns.map(\.code) == columns.map(\.code), last.columns.map(\.label) == columns.map(\.label) {
                        blocks[blocks.count - 1].grid!.gridRows.append(row)
                    } else {
                        blocks.append(Block(grid: Grid(columns: columns, gridRows: [row]), question: nil))
                    }
                    continue
                }
                var options: [Option] = []
                var hint: String?
                switch item.type {
                case .single: options = (item.options ?? []).map { Option(code: String($0.code), label: $0.label) }
                case .multi:
                    options = (item.options ?? []).map { Option(code: String($0.code), label: $0.label) }
                    hint = "có thể chọn nhiều"
                case .likert, .number, .date, .text: break
                }
                blocks.append(Block(grid: nil, question: Question(code: item.code, text: item.text, options: options, hint: hint, condition: condition,
                                                                  lines: options.isEmpty)))
            }
            return Section(title: section.title, blocks: blocks)
        }
        if toolbar == nil { cssInline = DocumentTemplates.style(named: "phieu.css") } else { cssHref = "/static/phieu.css" }
        self.toolbar = toolbar
    }

    public func html() throws -> String { try DocumentTemplates().render("phieu", self) }

    /// A `relevant` condition as a respondent reads it: "Q8.3 = 1 hoặc Q8.4 = 1".
    static func readable(_ condition: String) -> String {
        var text = " " + condition + " "
        for (from, to) in [("==", "="), ("!=", "≠"), (">=", "≥"), ("<=", "≤"), (" or ", " hoặc "), (" and ", " và "), (" not ", " không ")] {
            text = text.replacingOccurrences(of: from, with: to)
        }
        return text.trimmingCharacters(in: .whitespaces)
    }

    public func pdf() async throws -> [UInt8] { try await PDFPrinter.pdf(of: try html()) }
}

/// The list of respondents paid a small amount for their time (danh sách nhận tiền hỗ trợ): the
/// collected cases with each respondent, the amount, a signature column, and the total in
/// figures and in words.
public struct PaymentList: Sendable {
    struct Row: Sendable { var number: Int; var code: String; var name: String; var address: String; var unit: String; var amount: String }

    var title: String
    var campaignCode: String
    var campaignTitle: String
    var postOffice: String
    var enumerator: String
    var rows: [Row]
    var count: Int
    var total: String
    var totalWords: String
    var cssInline: String?
    var cssHref: String?
    var toolbar: BangKe.Toolbar?

    public init(_ p: FieldworkDocuments.Payments, toolbar: BangKe.Toolbar? = nil) {
        title = "Danh sách nhận tiền hỗ trợ — \(p.enumerator.displayName) — \(p.campaign.code)"
        campaignCode = p.campaign.code
        campaignTitle = p.campaign.title
        postOffice = p.postOffice
        enumerator = "\(p.enumerator.displayName) (\(p.enumerator.username))"
        rows = p.rows.enumerated().map { Row(number: $0.offset + 1, code: $0.element.code, name: $0.element.name, address: $0.element.address, unit: $0.element.unit,
                                             amount: VietnameseFormat.count(p.amount)) }
        count = p.rows.count
        total = VietnameseFormat.count(p.total)
        totalWords = VietnameseNumberWords.amount(p.total)
        if toolbar == nil { cssInline = DocumentTemplates.style(named: "bang-ke.css") } else { cssHref = "/static/bang-ke.css" }
        self.toolbar = toolbar
    }

    public func html() throws -> String { try DocumentTemplates().render("danh-sach-tien", self) }

    public func pdf() async throws -> [UInt8] { try await PDFPrinter.pdf(of: try html()) }
}
