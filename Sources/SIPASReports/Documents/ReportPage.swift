import Foundation
import SIPASApp
import SIPASCore
import SIPASFormats

public struct ReportPage: Sendable {
    public enum Style { case linked(String), inline(String) }

    public struct Toolbar: Sendable {
        public var back: String
        public var pdf: String
        public var xlsx: String
        public var csv: String
        public init(campaign id: Int) {
            back = "/campaigns/\(id)"
            pdf = "/campaigns/\(id)/report.pdf"
            xlsx = "/campaigns/\(id)/report.xlsx"
            csv = "/campaigns/\(id)/tables.csv"
        }
    }

    public var title: String
    public var cssHref: String?
    public var cssInline: String?
    public var toolbar: Toolbar?
    public var issuerAbove: String?
    public var issuer: String
    public var issuerName: String
    public var numberLine: String
    public var placeDate: String
    public var subject: String
    public var legalBasis: String?
    public var campaignCode: String
    public var headline: NodeLine?
    public var chart: String?
    public var nodes: [NodeLine]
    public var reference: String?
    public var rankingChart: String?
    public var rankingChartTitle: String
    /// One row per unit, four cells each: a national report has 3,321 of them, and the printer's
    /// time grows with the cells.
    public var unitRows: String
    public var hasTargets: Bool
    public var withheld: String?
    public var hasWishes: Bool
    public var wishes: [WishQuestion]
    public var method: [String]
    public var methodNumber: String
    public var proposalNumber: String
    public var minN: Int
    public var recipients: [String]
    public var signatureAuthority: String?
    public var signatureTitle: String
    public var signerName: String?
    public var priorities: [PriorityLine]
    public var prioritiesNumber: String
    public var hasPriorities = false
    public var change: ChangeSection?
    public var changeNumber: String
    /// A viewer's own unit: its report speaks of it (figure, rank among all, priorities).
    public var focus: FocusSection?
    public var campaignTitle: String
    public var issuerDisplay: String
    /// The unit report for a viewer bound to one unit, the official report otherwise.
    public var template: String { focus == nil ? "report" : "unit-report" }

    /// A unit's own results, for its viewer: its figure beside the campaign's, its rank among every
    /// unit, its target and its priorities.
    public struct FocusSection: Sendable {
        public var name: String
        public var headline: NodeLine?
        public var nodes: [NodeLine]
        public var campaignFigure: String?
        public var rankText: String?
        public var target: String?
        public var priorities: [PriorityLine]
        public var withheld: Bool

        init(_ f: Dashboards.Overview, campaign: Dashboards.Overview) {
            name = f.unit?.unit.name ?? ""
            nodes = FigureLines.nodeLines(f)
            headline = FigureLines.headline(nodes)
            campaignFigure = campaign.nodes.first.map { VietnameseFormat.percent($0.row.estimate) }
            rankText = FigureLines.rankWords(f).map { "đứng thứ \($0.position) trong \($0.among) đơn vị có số liệu của kỳ\($0.range)" }
            if let t = f.target, let standing = f.targetStanding {
                target = "Mục tiêu \(t.comparator.label) \(VietnameseFormat.percent(t.percent)): \(standing.outcome.label) (chênh lệch \(VietnameseFormat.points(standing.distance)) điểm \(VietnameseFormat.pointsInterval(standing.distanceLow, standing.distanceHigh)))."
            }
            priorities = headline == nil ? [] : FigureLines.priorityLines(f.priorities.filter { $0.index == f.context.rootCode })
            withheld = f.withheld
        }
    }

    /// The report's comparison with the earlier campaign: the index and each aspect, with its class.
    public struct ChangeSection: Sendable {
        public struct Line: Sendable {
            public var title: String
            public var earlier: String
            public var later: String
            public var change: String
            public var verdict: String
        }
        public var earlierTitle: String
        public var note: String?
        public var lines: [Line]
    }

    public init(_ r: CampaignReport, style: Style, toolbar: Toolbar?) {
        let o = r.overview, c = o.context.campaign
        title = "Báo cáo — \(c.title)"
        switch style {
        case let .linked(href): cssHref = href
        case let .inline(css): cssInline = css
        }
        self.toolbar = toolbar
        issuerAbove = r.issuerAbove.isEmpty ? nil : r.issuerAbove
        issuer = r.issuer
        issuerName = r.issuerName
        numberLine = "        /BC-" + r.numberSuffix
        placeDate = "\(r.place), \(Self.administrativeDate(r.date))"
        subject = "Kết quả đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước năm \(c.year)"
        legalBasis = c.legalBasis.isEmpty ? nil : c.legalBasis
        campaignCode = c.code
        nodes = FigureLines.nodeLines(o)
        headline = FigureLines.headline(nodes)
        chart = nodes.isEmpty ? nil : FigureLines.chart(o)
        reference = r.ranking.reference.map { VietnameseFormat.percent($0) }
        var charted = r.ranking.rows.filter { $0.entry.estimate != nil }
        rankingChartTitle = "Chỉ số hài lòng của các đơn vị, khoảng tin cậy 95%"
        if charted.count > 40 {
            charted = Array(charted.prefix(20) + charted.suffix(20))
            rankingChartTitle += ": 20 đơn vị cao nhất và 20 đơn vị thấp nhất"
        }
        rankingChart = charted.isEmpty ? nil : IntervalChart(key: "report-ranking", title: rankingChartTitle, rows: charted.map {
            .init(label: $0.unit?.unit.name ?? $0.code, estimate: $0.entry.estimate, low: $0.entry.low, high: $0.entry.high, lowN: $0.entry.lowN)
        }, lines: r.ranking.reference.map { [.init(value: $0, label: "cả kỳ", dashed: true)] } ?? []).svg()
        let hasTargets = r.ranking.rows.contains { $0.unit?.target != nil }
        self.hasTargets = hasTargets
        var rows = HTMLRows()
        for row in r.ranking.rows {
            let e = row.entry
            rows.row { cells in
                let range = e.bestRank.map { best in best == e.worstRank ? "" : " (\(best)–\(e.worstRank ?? best))" } ?? ""
                cells.cell((e.rank.map(String.init) ?? "—") + range, numeric: true)
                cells.header(row.unit?.unit.name ?? row.code, keepTogether: true)
                cells.cell("\(VietnameseFormat.percent(e.estimate)) \(VietnameseFormat.interval(e.low, e.high)); \(VietnameseFormat.count(row.n))\(e.lowN ? "*" : "") phiếu", numeric: true)
                if hasTargets {
                    let target = row.unit?.targetText ?? row.unit?.target.map { "\($0.comparator.label) \(VietnameseFormat.percent($0.percent))" } ?? ""
                    cells.cell(target.isEmpty ? "" : target + ": " + (row.targetStanding?.outcome.label ?? ""))
                }
            }
        }
        unitRows = rows.html
        withheld = r.ranking.withheld > 0 ? "\(VietnameseFormat.count(r.ranking.withheld)) đơn vị chưa đủ phiếu để công bố số liệu." : nil
        wishes = r.wishes.withheld ? [] : FigureLines.wishQuestions(r.wishes)
        hasWishes = !wishes.isEmpty
        priorities = headline == nil ? [] : FigureLines.priorityLines(o.priorities.filter { $0.index == o.context.rootCode })
        hasPriorities = !priorities.isEmpty
        change = r.change.map(Self.changeSection)
        // Sections are numbered in the order they appear; those without content are left out.
        var numerals = ["III", "IV", "V", "VI", "VII", "VIII"].makeIterator()
        if hasWishes { _ = numerals.next() }
        prioritiesNumber = priorities.isEmpty ? "" : numerals.next()!
        changeNumber = change == nil ? "" : numerals.next()!
        methodNumber = numerals.next()!
        proposalNumber = numerals.next()!
        campaignTitle = c.title
        issuerDisplay = r.issuerName
        focus = r.focus.map { FocusSection($0, campaign: o) }
        minN = o.context.minN
        method = Self.method(r)
        recipients = r.issuerAbove.isEmpty ? ["Các bộ, ngành, địa phương được đo lường;", "Lưu: VT."]
            : ["Bộ Nội vụ (để báo cáo);", "Các cơ quan, đơn vị được đo lường;", "Lưu: VT."]
        signatureAuthority = r.signatureAuthority
        signatureTitle = r.signatureTitle
        signerName = r.signerName
    }

    public static func changeSection(_ c: Dashboards.CampaignChange) -> ChangeSection {
        let lines = c.nodes.filter { $0.depth <= 1 }.map { row in
            ChangeSection.Line(title: row.title, earlier: VietnameseFormat.percent(row.earlier?.estimate), later: VietnameseFormat.percent(row.later?.estimate),
                               change: row.change.map { "\(VietnameseFormat.points($0.delta)) điểm \(VietnameseFormat.pointsInterval($0.low, $0.high))" } ?? "—",
                               verdict: row.change?.direction.label ?? "—")
        }
        var note: String?
        if c.reestimated {
            note = "Kỳ \(c.earlier.campaign.code) đo trên đơn vị hành chính trước 01/07/2025 được tính lại theo các xã, phường kế thừa từ 01/07/2025 để so sánh cùng địa bàn"
                + (c.leftOut.map { $0 > 0 ? "; \(VietnameseFormat.count($0)) phiếu của đơn vị không có đơn vị kế thừa không được tính." : "." } ?? ".")
        }
        if !c.sameQuestionnaire { note = (note.map { $0 + " " } ?? "") + "Hai kỳ dùng bảng hỏi khác nhau: so sánh cần thận trọng." }
        return ChangeSection(earlierTitle: "\(c.earlier.campaign.title) (\(c.earlier.campaign.code))", note: note, lines: lines)
    }

    public static func method(_ r: CampaignReport) -> [String] {
        let s = r.sample, q = r.overview.context.questionnaire
        var lines = ["Bảng hỏi: \(q.title) (\(q.id), phiên bản \(q.version)). Số phiếu hợp lệ: \(VietnameseFormat.count(s.responses)), tại \(VietnameseFormat.count(s.units)) đơn vị được đo."]
        if let small = s.smallestUnit, let large = s.largestUnit, small == large {
            lines.append("Mỗi đơn vị có số liệu (\(VietnameseFormat.count(s.unitsWithFigures)) đơn vị) có \(VietnameseFormat.count(small)) phiếu.")
        } else if let small = s.smallestUnit, let large = s.largestUnit, let median = s.medianUnit {
            lines.append("Mỗi đơn vị có số liệu (\(VietnameseFormat.count(s.unitsWithFigures)) đơn vị) có từ \(VietnameseFormat.count(small)) đến \(VietnameseFormat.count(large)) phiếu, trung vị \(VietnameseFormat.count(median)) phiếu.")
        }
        if let whole = s.marginWhole {
            var text = "Sai số (nửa độ rộng khoảng tin cậy 95%) của chỉ số chung là ±\(DecimalText.vietnamese(whole)) điểm phần trăm"
            if let a = s.marginSmallest, let b = s.marginLargest, DecimalText.vietnamese(a) == DecimalText.vietnamese(b) {
                text += "; của chỉ số từng đơn vị ±\(DecimalText.vietnamese(a)) điểm"
            } else if let a = s.marginSmallest, let b = s.marginLargest { text += "; của chỉ số từng đơn vị từ ±\(DecimalText.vietnamese(a)) đến ±\(DecimalText.vietnamese(b)) điểm" }
            lines.append(text + ".")
        }
        lines.append("Tỷ lệ hài lòng của một tiêu chí là tỷ lệ (có trọng số thiết kế) người trả lời \"hài lòng\" hoặc \"rất hài lòng\" trong số người trả lời hợp lệ câu hỏi đó; chỉ số của lĩnh vực và chỉ số chung là trung bình của các thành phần. Sai số chuẩn tính theo phương pháp tuyến tính hóa Taylor với thiết kế mẫu (tầng, đơn vị mẫu); khoảng tin cậy 95% bằng ước lượng ± 1,96 lần sai số chuẩn.")
        if r.overview.disclosureControlled {
            lines.append("Để bảo đảm bí mật của người trả lời, số liệu của nhóm có dưới \(r.overview.context.minN) phiếu không được công bố.")
        }
        return lines
    }

    /// "ngày 05 tháng 02 năm 2026": days below 10 and the months January and February with a leading 0.
    public static func administrativeDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? .current
        let c = calendar.dateComponents([.day, .month, .year], from: date)
        let day = c.day ?? 1, month = c.month ?? 1
        return "ngày \(day < 10 ? "0" : "")\(day) tháng \(month < 3 ? "0" : "")\(month) năm \(c.year ?? 2026)"
    }
}
